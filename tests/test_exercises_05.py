"""Notebook 05's exercises: each check passes on the solution and fails on the unedited starter."""

from __future__ import annotations

import uuid
from pathlib import Path
from types import ModuleType

from temporalio.openai_agents.testing import AgentEnvironment
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from recipes.nb04_long_running_agents.chat_agent import ACTIVITIES, WORKFLOWS, ChatAgentWorkflow, ChatInput
from recipes.nb05_testing_durable_agents.chat_agent_v2 import ChatAgentWorkflowPatched, look_up_profile
from shared import Connection, history_table, replay, start_worker
from tests.exercises import solution_and_starter, within

EX = "ex05_testing"
VERSION_1_HISTORY = Path(__file__).parent / "fixtures" / "chat_agent_history.json"


@solution_and_starter(EX)
async def test_exercise_1_scripted_two_city_turn(ex: ModuleType, time_env: WorkflowEnvironment) -> None:
    async with AgentEnvironment(model=ex.scripted_two_city_weather()) as agents:
        client = agents.applied_on_client(time_env.client)
        task_queue = f"ex05-{uuid.uuid4().hex[:8]}"
        async with Worker(client, task_queue=task_queue, workflows=WORKFLOWS, activities=ACTIVITIES):
            chat = await client.start_workflow(
                ChatAgentWorkflow.run, ChatInput(), id=f"chat-{uuid.uuid4().hex[:8]}", task_queue=task_queue
            )
            turn = chat.execute_update(ChatAgentWorkflow.send, "Weather in Lima and Tokyo?")
            reply = await within(turn, 30, "the reply")
            table = await history_table(chat)
            await chat.execute_update(ChatAgentWorkflow.end)
    assert [s.result for s in table.steps if s.kind == "tool"] == [
        "Weather in Lima: Overcast, 18 °C",
        "Weather in Tokyo: Sunny, 22 °C",
    ], "the script must ask for Lima's weather, then Tokyo's"
    assert reply == "Lima is overcast; Tokyo is sunny."


@solution_and_starter(EX)
async def test_exercise_2_retired_patch_replays_patched_histories_only(
    ex: ModuleType, conn: Connection, task_queue: str
) -> None:
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
        await within(chat.result(), 30, "the chat's end")
    finally:
        await worker.stop()
    assert (await replay(await chat.fetch_history(), ex.ChatAgentWorkflowV3)).ok, "histories with the patch must replay"
    assert not (await replay(VERSION_1_HISTORY, ex.ChatAgentWorkflowV3)).ok, "version 1's histories must not replay"
