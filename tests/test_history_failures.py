"""``history_table`` tells the whole story: the Workflow's own failure, a failing Workflow Task, the whole cause.

Proves: a Workflow that fails outside its Activities gets a row with the cause;
a Workflow Task that keeps failing gets a row with its cause, and
``wait_for_activity`` stops at once with that cause instead of waiting out its
timeout; a cause longer than the table's width is whole in ``table.full(n)``;
``replay`` reads a history whose payloads are in a claim-check store, and a
payload missing from that store is one line naming the folder, wherever it is read.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowFailureError, WorkflowHandle

from recipes.nb01_durable_agent import weather_agent
from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow
from shared import (
    Connection,
    CookbookError,
    claim_check,
    execute_update_or_explain,
    history_table,
    replay,
    say,
    setup,
    start_worker,
    wait_for_activity,
)
from tests.failing_workflows import (
    LONG_CAUSE,
    WORKFLOWS,
    BrokenChatWorkflow,
    BrokenTaskWorkflow,
    FailingWorkflow,
    SlowOnceChatWorkflow,
)


async def test_a_failed_workflow_has_a_row_with_its_whole_cause(conn: Connection, task_queue: str):
    worker = await start_worker(conn.client, task_queue=task_queue, workflows=WORKFLOWS)
    try:
        handle = await conn.client.start_workflow(
            FailingWorkflow.run, id=f"fail-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        with pytest.raises(WorkflowFailureError):
            await handle.result()
        table = await history_table(handle)
    finally:
        await worker.stop()
    [row] = table.steps
    assert (row.kind, row.name) == ("workflow", "FailingWorkflow")
    assert row.result.startswith("failed: Runner.run_streamed requires") and row.result.endswith("…")
    assert table.full(row.step) == f"failed: {LONG_CAUSE}", "the whole cause, on demand"


async def test_a_failing_workflow_task_has_a_row_and_ends_a_wait_with_its_cause(conn: Connection, task_queue: str):
    worker = await start_worker(conn.client, task_queue=task_queue, workflows=WORKFLOWS)
    try:
        handle = await conn.client.start_workflow(
            BrokenTaskWorkflow.run, id=f"broken-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        started = time.monotonic()
        with pytest.raises(CookbookError, match="keeps failing .*the Workflow code is broken") as error:
            await wait_for_activity(handle, timeout=60)
        assert time.monotonic() - started < 30, "the wait ends when the task's second attempt is pending, not at 60 s"
        assert "is not registered on this worker" in str(error.value), "the cause is whole"
        table = await history_table(handle)
        await handle.terminate()
    finally:
        await worker.stop()
    [row] = [s for s in table.steps if s.kind == "workflow task"]
    assert row.name == "RuntimeError" and row.worker.startswith("notebook-worker@")
    assert "the Workflow code is broken" in row.result and LONG_CAUSE in table.full(row.step)


async def run_with_a_claim_check(blobs: Path, task_queue: str) -> WorkflowHandle:
    """Run the weather agent once with every payload of 64 bytes or more in a claim-check store at ``blobs``."""
    stored = await setup(external_storage=claim_check(blobs, threshold=64), quiet=True)
    worker = await start_worker(stored.client, weather_agent, task_queue=task_queue)
    try:
        handle = await stored.client.start_workflow(
            WeatherAgentWorkflow.run, "weather in Lima?", id=f"cc-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        await handle.result()
    finally:
        await worker.stop()
    return handle


async def test_a_history_that_used_the_claim_check_store_replays(conn: Connection, task_queue: str, tmp_path: Path):
    storage = claim_check(tmp_path / "blobs", threshold=64)
    handle = await run_with_a_claim_check(tmp_path / "blobs", task_queue)
    history = await handle.fetch_history()
    assert (await replay(history, WeatherAgentWorkflow, external_storage=storage)).ok
    with pytest.raises(CookbookError, match=r"replay\(external_storage=...\) takes an ExternalStorage"):
        await replay(history, WeatherAgentWorkflow, external_storage=str(tmp_path))  # type: ignore[arg-type]


async def test_a_payload_missing_from_the_claim_check_store_is_one_line_naming_the_store(
    conn: Connection, task_queue: str, tmp_path: Path
):
    blobs = tmp_path / "blobs"
    handle = await run_with_a_claim_check(blobs, task_queue)
    history = await handle.fetch_history()
    for blob in blobs.iterdir():  # the store's folder emptied, as a clean-up might
        blob.unlink()
    missing = rf"Payload \w{{12}}… is not in the claim-check store {blobs}: was the folder emptied or moved\?"
    with pytest.raises(CookbookError, match=missing):
        await handle.result()
    with pytest.raises(CookbookError, match=missing):
        await history_table(handle)
    replayed = await replay(history, WeatherAgentWorkflow, external_storage=claim_check(blobs, threshold=64))
    assert not replayed.ok and "is not in the claim-check store" in str(replayed)


async def test_a_chat_turn_whose_workflow_task_fails_ends_with_the_cause(conn: Connection, task_queue: str):
    worker = await start_worker(conn.client, task_queue=task_queue, workflows=WORKFLOWS)
    try:
        handle = await conn.client.start_workflow(
            BrokenChatWorkflow.run, id=f"chat-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        started = time.monotonic()
        with pytest.raises(CookbookError, match="is failing and will be retried: the chat's code is broken"):
            await say(handle, "hello")
        assert time.monotonic() - started < 15, "the turn ends when the task fails again, not after 20 s"
        await handle.terminate()
    finally:
        await worker.stop()


async def test_a_turn_whose_workflow_task_timed_out_waits_for_the_retry_instead_of_failing(
    conn: Connection, task_queue: str, tmp_path: Path
):
    worker = await start_worker(conn.client, task_queue=task_queue, workflows=WORKFLOWS)
    try:
        handle = await conn.client.start_workflow(
            SlowOnceChatWorkflow.run,
            id=f"slow-{uuid.uuid4().hex[:8]}",
            task_queue=task_queue,
            task_timeout=timedelta(seconds=1),
        )
        reply = await execute_update_or_explain(handle, SlowOnceChatWorkflow.send, str(tmp_path / "marker"))
        timed_out = [
            e async for e in handle.fetch_history_events() if e.HasField("workflow_task_timed_out_event_attributes")
        ]
        await handle.terminate()
    finally:
        await worker.stop()
    assert timed_out, "the first Workflow Task was meant to time out: the test staged nothing"
    assert reply == "answered", "a timed-out task is retried, and the Update waits for the retry"
