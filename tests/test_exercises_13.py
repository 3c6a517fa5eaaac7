"""Notebook 13's exercises: each check passes on the solution and fails on the unedited starter.

The checks run real Worker processes on the embedded server: version 1 and
version 2 of the travel chat with version 2 current, and the buggy trip-budget agent.
"""

from __future__ import annotations

import asyncio
import uuid
from types import ModuleType

from recipes.nb13_changing_running_agents.budget_agent import TripBudgetWorkflow
from recipes.nb13_changing_running_agents.chat_v1 import TravelChat
from recipes.nb13_changing_running_agents.resets import reset_point
from recipes.nb13_changing_running_agents.versions import TASK_QUEUE, running_on, set_current_version
from shared import Connection, start_worker_process
from tests.exercises import solution_and_starter, within

EX = "ex13_changing_agents"
RECIPES = "recipes.nb13_changing_running_agents"


@solution_and_starter(EX, starter_fails_with="expected version 1")
async def test_exercise_1_pin_a_chat_to_the_old_version(ex: ModuleType, conn: Connection) -> None:
    """With version 2 current, the pinned chat is answered by version 1's code."""
    v1, v2 = await asyncio.gather(
        start_worker_process(f"{RECIPES}.deployed_v1", task_queue=TASK_QUEUE, name="ex13-chat-v1"),
        start_worker_process(f"{RECIPES}.deployed_v2", task_queue=TASK_QUEUE, name="ex13-chat-v2"),
    )
    try:
        for build_id in ("v1", "v2"):  # the rollout: each version current in turn, so the server knows both
            await set_current_version(conn.client, build_id)
        chat = await ex.start_pinned_chat(conn.client, f"ex13-pinned-{uuid.uuid4().hex[:8]}", "v1")
        try:
            await within(chat.execute_update(TravelChat.send, "What's the weather in Lima?"), 30, "a turn")
            code = await chat.query(TravelChat.code_version)
            where = await running_on(chat)
        finally:
            await chat.terminate("exercise check over")
    finally:
        await asyncio.gather(v1.stop(), v2.stop())
    assert (code, where.build_id) == ("v1", "v1"), (
        f"the chat ran code {code} on version {where.build_id}; expected version 1: "
        "start it with versioning_override=PinnedVersioningOverride(...)"
    )


@solution_and_starter(EX)
async def test_exercise_2_find_the_bad_step(ex: ModuleType, conn: Connection, task_queue: str) -> None:
    """The point before the tool that answered " 0 EUR" is the point before trip_budget."""
    worker = await start_worker_process(f"{RECIPES}.budget_agent", task_queue=task_queue, name="ex13-buggy")
    try:
        run = await conn.client.start_workflow(
            TripBudgetWorkflow.run, "What would 3 nights in Lima cost?", id=f"ex13-{task_queue}", task_queue=task_queue
        )
        await within(run.result(), 30, "the budget run")
    finally:
        await worker.stop()
    assert await ex.bad_step_point(run, " 0 EUR") == await reset_point(run, "trip_budget")
