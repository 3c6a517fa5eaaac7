"""Notebook 04's exercises: each check passes on the solution and fails on the unedited starter."""

from __future__ import annotations

import uuid
from types import ModuleType

from temporalio.client import Client, WorkflowFailureError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from recipes.nb04_long_running_agents.chat_agent import ACTIVITIES, ChatInput
from shared import Connection, agents_plugin, history_table
from tests.exercises import solution_and_starter, within

EX = "ex04_long_running"


@solution_and_starter(EX)
async def test_exercise_1_idle_chat_ends_after_a_skipped_week(ex: ModuleType, time_env: WorkflowEnvironment) -> None:
    # Keep the environment's client config: its interceptor lets time skip while you wait for a result.
    client = Client(**{**time_env.client.config(), "plugins": [agents_plugin()]})
    task_queue = f"ex04-{uuid.uuid4().hex[:8]}"
    async with Worker(client, task_queue=task_queue, workflows=ex.WORKFLOWS, activities=ACTIVITIES):
        chat = await client.start_workflow(
            ex.IdleEndingChatWorkflow.run, ChatInput(), id=f"idle-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        await chat.execute_update(ex.IdleEndingChatWorkflow.send, "Hello")
        # The test server skips the idle week while you wait for the result: seconds, not days.
        try:
            summary = await within(chat.result(), 10, "the chat ending itself after a week of silence")
        except WorkflowFailureError as err:  # a chat that never ends runs into the test server's time limit
            raise AssertionError(f"the chat did not end by itself: {err.cause}") from None
        assert (summary.turns, summary.runs) == (1, 1)
        timers = [(s.name, s.result) for s in (await history_table(chat)).steps if s.kind == "timer"]
        # The first wait ended with the turn (its timer cancelled); the second ran out: a week of silence.
        assert timers == [("sleep 7 d", "cancelled"), ("sleep 7 d", "fired")]


@solution_and_starter(EX)
async def test_exercise_2_weekly_schedule_runs_on_mondays(ex: ModuleType, conn: Connection, task_queue: str) -> None:
    handle = await conn.client.create_schedule(f"weekly-{uuid.uuid4().hex[:8]}", ex.weekly_digest_schedule(task_queue))
    try:
        upcoming = (await handle.describe()).info.next_action_times
    finally:
        await handle.delete()
    runs = ", ".join(t.strftime("%a %H:%M") for t in upcoming)
    assert upcoming, "the Schedule has no upcoming runs"
    assert all(t.weekday() == 0 for t in upcoming), f"not every run is on a Monday: {runs}"
    assert all((t.hour, t.minute) == (8, 0) for t in upcoming), f"not every run is at 08:00 UTC: {runs}"
