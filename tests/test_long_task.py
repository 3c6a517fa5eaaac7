"""Notebook 12: a task longer than a history, and the two ways to keep it bounded.

Real agent runs on the embedded server with the offline model, which reads one
page per model call as the agent's ``parallel_tool_calls=False`` asks: the
unbounded run's history grows with the square of its model calls; a budget of
model calls per run keeps every run of a 60-page task under 1 MB and reads
every page exactly once across the chain; a claim check keeps each model input
out of the history. The benchmark's fit finds where each would meet the limits.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from temporalio.client import Client

from bench.long_task import LongTask
from recipes.nb12_tasks_longer_than_a_history import long_task
from recipes.nb12_tasks_longer_than_a_history.long_task import (
    LongTaskInput,
    LongTaskResult,
    ReadingWorkflow,
    cut_pages,
    history_per_model_call,
    page_ids,
    pages_read,
)
from shared import Connection, LocalBlobStore, claim_check, setup, start_worker

BOUND = 1024 * 1024
"""The stated size: every run of the 60-page task with 10 model calls per run stays under 1 MB of history."""


async def read(client: Client, task_queue: str, task: LongTaskInput) -> tuple[str, LongTaskResult]:
    """Run a reading task to the end; return its Workflow Id and result."""
    workflow_id = f"test-long-task-{uuid.uuid4().hex}"
    result = await client.execute_workflow(ReadingWorkflow.run, task, id=workflow_id, task_queue=task_queue)
    return workflow_id, result


def test_cut_pages_cuts_only_long_tool_outputs_and_says_so() -> None:
    items = [
        {"role": "user", "content": "x" * 500},
        {"type": "function_call_output", "call_id": "c1", "output": "p" * 500},
        {"type": "function_call_output", "call_id": "c2", "output": "short"},
    ]
    cut = cut_pages(items, keep_chars=20)
    assert cut[0] == items[0] and cut[2] == items[2]
    assert cut[1]["output"] == "p" * 20 + " [... cut to 20 of 500 characters when the run continued as new]"
    assert items[1]["output"] == "p" * 500  # the original items are left alone


async def test_one_run_grows_with_the_square_of_its_model_calls(conn: Connection, task_queue: str) -> None:
    worker = await start_worker(conn.client, long_task, task_queue=task_queue)
    try:
        workflow_id, result = await read(conn.client, task_queue, LongTaskInput(page_ids(12)))
        calls = await history_per_model_call(conn.client, workflow_id)
    finally:
        await worker.stop()
    assert result.model_calls == len(calls) == 13 and result.runs == 1
    added = [b.history_bytes - a.history_bytes for a, b in zip(calls, calls[1:], strict=False)]
    assert all(later > earlier for earlier, later in zip(added, added[1:], strict=False)), added
    grown = [b.input_bytes - a.input_bytes for a, b in zip(calls, calls[1:], strict=False)]
    assert min(grown) > long_task.PAGE_CHARS, "each model input should hold one more whole page"
    fit = LongTask("unbounded", 12, None, calls)
    assert 80 < fit.limit_calls()["history_bytes"] < 150  # notebook 12 and the README say about 110


async def test_a_budget_per_run_keeps_every_run_small_and_reads_each_page_once(
    conn: Connection, task_queue: str
) -> None:
    pages = page_ids(60)
    worker = await start_worker(conn.client, long_task, task_queue=task_queue)
    try:
        task = LongTaskInput(pages, model_calls_per_run=10)
        workflow_id, result = await read(conn.client, task_queue, task)
        calls = await history_per_model_call(conn.client, workflow_id)
        done = await pages_read(conn.client, workflow_id)
    finally:
        await worker.stop()
    assert [page for _, page in done] == pages, "every page read once, in order, across the runs"
    assert [run for run, _ in done] == [n // 10 + 1 for n in range(60)]
    assert result.model_calls == len(calls) == 61 and result.runs == 7
    assert [c.run for c in calls] == [n // 10 + 1 for n in range(61)]
    largest = max(c.history_bytes for c in calls)
    assert largest < BOUND, f"a run grew to {largest:,} bytes"
    unbounded = LongTask("unbounded", 60, None, calls[:10]).fitted()[0]
    assert sum(c * 61 ** (2 - i) for i, c in enumerate(unbounded)) > 10 * BOUND  # one run would have been 10x that


async def test_a_claim_check_keeps_model_inputs_out_of_the_history(
    conn: Connection, task_queue: str, tmp_path: Path
) -> None:
    stored = await setup(external_storage=claim_check(tmp_path / "blobs"), quiet=True)
    worker = await start_worker(stored.client, long_task, task_queue=task_queue)
    try:
        workflow_id, result = await read(stored.client, task_queue, LongTaskInput(page_ids(16)))
        calls = await history_per_model_call(stored.client, workflow_id)
    finally:
        await worker.stop()
    assert result.model_calls == len(calls) == 17
    claimed = [c for c in calls if c.input_bytes < 1024]
    assert len(claimed) >= 8, [c.input_bytes for c in calls]  # past 64 KB (8 pages), every input is a claim
    added = [b.history_bytes - a.history_bytes for a, b in zip(claimed, claimed[1:], strict=False)]
    assert max(added) < 2 * long_task.PAGE_CHARS, added  # a page and a claim per call: a line, not a parabola
    assert LocalBlobStore(tmp_path / "blobs").blob_count() >= len(claimed)
    fit = LongTask("claim check", 16, None, calls, claim_check=True).limit_calls()
    assert fit["payload"] is None and fit["history_bytes"] > 2_000
