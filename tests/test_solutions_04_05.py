"""The exercise solutions of notebooks 04 and 05 do what the exercises ask."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

from temporalio.client import Client
from temporalio.openai_agents.testing import AgentEnvironment
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from recipes.chat_agent import ACTIVITIES, WORKFLOWS, ChatAgentWorkflow, ChatInput
from recipes.chat_agent_v2 import ChatAgentWorkflowPatched, look_up_profile
from recipes.solutions.ex04_long_running import IdleEndingChatWorkflow, weekly_digest_schedule
from recipes.solutions.ex05_testing import ChatAgentWorkflowV3, scripted_two_city_weather
from shared import Connection, agents_plugin, history_table, replay, start_worker

FIXTURE = Path(__file__).parent / "fixtures" / "chat_agent_history.json"


async def test_ex04_idle_chat_ends_after_a_skipped_week(time_env: WorkflowEnvironment):
    # Keep the environment's client config: its interceptor lets time skip while you wait for a result.
    client = Client(**{**time_env.client.config(), "plugins": [agents_plugin()]})
    task_queue = f"ex04-{uuid.uuid4().hex[:8]}"
    async with Worker(client, task_queue=task_queue, workflows=[IdleEndingChatWorkflow], activities=ACTIVITIES):
        chat = await client.start_workflow(
            IdleEndingChatWorkflow.run, ChatInput(), id=f"idle-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        await chat.execute_update(IdleEndingChatWorkflow.send, "Hello")
        started = time.monotonic()
        summary = await chat.result()  # the test server skips the idle week while you wait for the result
        assert time.monotonic() - started < 10
        assert (summary.turns, summary.runs) == (1, 1)
        timers = [(s.name, s.result) for s in (await history_table(chat)).steps if s.kind == "timer"]
        # The first wait ended with the turn (its timer cancelled); the second ran out: a week of silence.
        assert timers == [("sleep 7 d", "cancelled"), ("sleep 7 d", "fired")]


async def test_ex04_weekly_schedule_runs_on_mondays(conn: Connection, task_queue: str):
    handle = await conn.client.create_schedule(f"weekly-{uuid.uuid4().hex[:8]}", weekly_digest_schedule(task_queue))
    try:
        description = await handle.describe()
        upcoming = description.info.next_action_times
        assert upcoming and all(t.weekday() == 0 and (t.hour, t.minute) == (8, 0) for t in upcoming)
    finally:
        await handle.delete()


async def test_ex05_scripted_two_city_turn(time_env: WorkflowEnvironment):
    async with AgentEnvironment(model=scripted_two_city_weather()) as agents:
        client = agents.applied_on_client(time_env.client)
        task_queue = f"ex05-{uuid.uuid4().hex[:8]}"
        async with Worker(client, task_queue=task_queue, workflows=WORKFLOWS, activities=ACTIVITIES):
            chat = await client.start_workflow(
                ChatAgentWorkflow.run, ChatInput(), id=f"chat-{uuid.uuid4().hex[:8]}", task_queue=task_queue
            )
            reply = await chat.execute_update(ChatAgentWorkflow.send, "Weather in Lima and Tokyo?")
            assert reply == "Lima is overcast; Tokyo is sunny."
            table = await history_table(chat)
            assert [s.result for s in table.steps if s.kind == "tool"] == [
                "Weather in Lima: Overcast, 18 °C",
                "Weather in Tokyo: Sunny, 22 °C",
            ]
            await chat.execute_update(ChatAgentWorkflow.end)


async def test_ex05_retired_patch_replays_patched_histories_only(conn: Connection, task_queue: str):
    worker = await start_worker(
        conn.client,
        task_queue=task_queue,
        workflows=[ChatAgentWorkflowPatched],
        activities=[*ACTIVITIES, look_up_profile],
    )
    try:
        chat = await conn.client.start_workflow(
            ChatAgentWorkflowPatched.run, ChatInput(), id=f"chat-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        await chat.execute_update(ChatAgentWorkflowPatched.send, "Hello")
        await chat.execute_update(ChatAgentWorkflowPatched.end)
        await chat.result()
    finally:
        await worker.stop()
    assert (await replay(await chat.fetch_history(), ChatAgentWorkflowV3)).ok
    assert not (await replay(FIXTURE, ChatAgentWorkflowV3)).ok
