"""Notebook 13 on real Worker processes: a careless deploy, two deployment versions side by side, reset.

The versioned tests share one rollout on the session's dev server: version 1's
and version 2's Workers of the ``travel-chat`` deployment, chats started while
version 1 was current, then version 2 made current.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle

from recipes.nb13_changing_running_agents.budget_agent import TripBudgetWorkflow
from recipes.nb13_changing_running_agents.chat_v1 import ChatInput, TravelChat
from recipes.nb13_changing_running_agents.resets import reset_point, reset_workflow
from recipes.nb13_changing_running_agents.versions import (
    TASK_QUEUE,
    running_on,
    set_current_version,
    wait_for_version,
)
from shared import Connection, WorkerProcess, first_workflow_task_failure, history_table, start_worker_process

RECIPES = "recipes.nb13_changing_running_agents"
LIMA = "What's the weather in Lima?"
BUDGET_REQUEST = "What would 3 nights in Lima cost?"


async def task_identities(handle: WorkflowHandle) -> set[str]:
    """The Worker names (identity without the pid) that completed the run's Workflow Tasks."""
    names = set()
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            names.add(event.workflow_task_completed_event_attributes.identity.split("@")[0])
    return names


@dataclass
class Rollout:
    """Chats started on version 1, and what happened to them once version 2 was current."""

    pinned: WorkflowHandle
    moving: WorkflowHandle
    new: WorkflowHandle
    workers: tuple[WorkerProcess, WorkerProcess]


@pytest.fixture(scope="module")
async def rollout(conn: Connection) -> AsyncIterator[Rollout]:
    """Version 1 current, two chats with a turn each; then version 2 current and a new chat with a turn."""
    v1, v2 = await asyncio.gather(
        start_worker_process(f"{RECIPES}.deployed_v1", task_queue=TASK_QUEUE, name="test-chat-v1"),
        start_worker_process(f"{RECIPES}.deployed_v2", task_queue=TASK_QUEUE, name="test-chat-v2"),
    )
    try:
        await set_current_version(conn.client, "v1")
        suffix = uuid.uuid4().hex[:8]
        pinned, moving = [
            await conn.client.start_workflow(TravelChat.run, ChatInput(), id=f"{name}-{suffix}", task_queue=TASK_QUEUE)
            for name in ("pinned", "moving")
        ]
        for chat in (pinned, moving):
            await chat.execute_update(TravelChat.send, LIMA)
        await set_current_version(conn.client, "v2")
        new = await conn.client.start_workflow(TravelChat.run, ChatInput(), id=f"new-{suffix}", task_queue=TASK_QUEUE)
        await new.execute_update(TravelChat.send, "What should I pack for Lima?")
        yield Rollout(pinned, moving, new, (v1, v2))
    finally:
        await asyncio.gather(v1.stop(), v2.stop())


async def test_a_pinned_run_finishes_on_the_old_version_while_a_new_run_uses_the_new_one(rollout: Rollout) -> None:
    assert await rollout.pinned.query(TravelChat.code_version) == "v1"
    assert await rollout.pinned.execute_update(TravelChat.end) == 1
    assert await rollout.pinned.result() == 1
    assert (await running_on(rollout.pinned)).build_id == "v1"
    assert await task_identities(rollout.pinned) == {"test-chat-v1"}
    assert (await running_on(rollout.new)).build_id == "v2"
    assert await task_identities(rollout.new) == {"test-chat-v2"}
    assert (await history_table(rollout.new)).count("tool", "look_up_profile") == 1, "version 2's new step ran"


async def test_an_upgrade_at_continue_as_new_keeps_the_conversation(conn: Connection, rollout: Rollout) -> None:
    first_run = rollout.moving.result_run_id
    await rollout.moving.execute_update(TravelChat.send, "And the weather in Paris?")
    latest = conn.client.get_workflow_handle(rollout.moving.id)
    assert (await wait_for_version(latest, "v2")).build_id == "v2"
    assert (await latest.describe()).run_id != first_run, "the chat continued as new"
    assert await latest.query(TravelChat.code_version) == "v2"
    assert await latest.query(TravelChat.turns) == 2
    assert await latest.query(TravelChat.user_messages) == [LIMA, "And the weather in Paris?"]
    await latest.execute_update(TravelChat.send, "What should I pack for Paris?")
    table = await history_table(latest)
    assert table.count("tool", "look_up_profile") == 1
    assert {step.worker.split("@")[0] for step in table.steps if step.kind != "update"} == {"test-chat-v2"}
    await latest.execute_update(TravelChat.end)


async def test_new_code_on_a_plain_worker_breaks_a_chat_in_flight(conn: Connection, task_queue: str) -> None:
    worker = await start_worker_process(f"{RECIPES}.chat_v1", task_queue=task_queue, name="test-plain-v1")
    chat = await conn.client.start_workflow(TravelChat.run, ChatInput(), id=f"nde-{task_queue}", task_queue=task_queue)
    try:
        await chat.execute_update(TravelChat.send, LIMA)
        await worker.stop()
        worker = await start_worker_process(f"{RECIPES}.chat_v2", task_queue=task_queue, name="test-plain-v2")
        turn = asyncio.create_task(chat.execute_update(TravelChat.send, "And in Tokyo?"))
        failure = await first_workflow_task_failure(chat, timeout=30)
        assert "Nondeterminism" in failure.message and "look_up_profile" in failure.message
        turn.cancel()
        await asyncio.gather(turn, return_exceptions=True)
    finally:
        await chat.terminate("test over")
        await worker.stop()


async def test_a_reset_re_runs_only_the_steps_after_its_point(conn: Connection, task_queue: str) -> None:
    worker = await start_worker_process(f"{RECIPES}.budget_agent", task_queue=task_queue, name="test-buggy")
    try:
        run = await conn.client.start_workflow(
            TripBudgetWorkflow.run, BUDGET_REQUEST, id=f"budget-{task_queue}", task_queue=task_queue
        )
        assert "0 EUR" in await run.result()
        point = await reset_point(run, "trip_budget")
    finally:
        await worker.stop()
    worker = await start_worker_process(f"{RECIPES}.budget_agent_fixed", task_queue=task_queue, name="test-fixed")
    try:
        after = await reset_workflow(run, point, "trip_budget fixed")
        assert "285 EUR" in await after.result()
    finally:
        await worker.stop()
    before = (await history_table(conn.client.get_workflow_handle(run.id, run_id=run.result_run_id))).steps
    steps = [s for s in (await history_table(after)).steps if s.kind in ("model call", "tool")]
    assert [(s.kind, s.worker.split("@")[0]) for s in steps] == [
        ("model call", "test-buggy"),  # kept from before the point, not asked again
        ("tool", "test-fixed"),
        ("model call", "test-fixed"),
    ]
    assert steps[0].result == before[0].result
