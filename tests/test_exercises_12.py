"""Notebook 12's exercises: each check passes on the solution and fails on the unedited starter.

Each check runs the module under check on a Worker of its own and reads what
happened from the Event Histories of every run of the chain; its messages are
the hints a learner reads from ``make exercises NB=12``.
"""

from __future__ import annotations

import json
import uuid
from types import ModuleType

from temporalio.api.enums.v1 import EventType

from recipes.nb12_tasks_longer_than_a_history.long_task import (
    LongTaskInput,
    events_of_chain,
    history_per_model_call,
    page_ids,
    pages_read,
    read_page,
)
from shared import Connection, start_worker
from tests.exercises import solution_and_starter, within

EX = "ex12_long_task"
MAX_RUN_BYTES = 512 * 1024
"""Exercise 1's stated size, kept here so that the check does not move with the starter."""


@solution_and_starter(EX, starter_fails_with="grew its Event History to")
async def test_exercise_1_every_run_of_a_60_page_task_stays_under_512_kb(
    ex: ModuleType, conn: Connection, task_queue: str
) -> None:
    task = ex.sixty_page_task()
    assert task.pages == page_ids(60), "sixty_page_task() should read the 60 pages P-001 ... P-060"
    worker = await start_worker(conn.client, ex, task_queue=task_queue)
    try:
        workflow_id = f"ex12-1-{uuid.uuid4().hex[:8]}"
        run = conn.client.execute_workflow(ex.ReadingWorkflow.run, task, id=workflow_id, task_queue=task_queue)
        await within(run, 90, "the 60-page task")
        calls = await history_per_model_call(conn.client, workflow_id)
        done = await pages_read(conn.client, workflow_id)
    finally:
        await worker.stop()
    largest = max(calls, key=lambda c: c.history_bytes)
    assert largest.history_bytes < MAX_RUN_BYTES, (
        f"Run {largest.run} grew its Event History to {largest.history_bytes / 1024:,.0f} KB, over 512 KB, with "
        f"{task.model_calls_per_run} model calls per run: choose a smaller budget (TODO 1 in "
        "recipes/exercises/ex12_long_task.py)"
    )
    runs = calls[-1].run
    assert runs <= 20, f"the task took {runs} runs; each continue-as-new has a price too, so use at most 20"
    assert [page for _, page in done] == task.pages, "the chain should read every page once, in order"


def carried_outputs(items: list[dict[str, object]]) -> list[str]:
    """The tool outputs in what a continued run carries."""
    return [str(item["output"]) for item in items if item.get("type") == "function_call_output"]


@solution_and_starter(EX, starter_fails_with="summary line")
async def test_exercise_2_a_continued_run_carries_one_line_per_page(
    ex: ModuleType, conn: Connection, task_queue: str
) -> None:
    pages = page_ids(30)
    worker = await start_worker(conn.client, ex, task_queue=task_queue)
    try:
        workflow_id = f"ex12-2-{uuid.uuid4().hex[:8]}"
        task = LongTaskInput(pages, model_calls_per_run=10)
        run = conn.client.execute_workflow(
            ex.SummaryLineReadingWorkflow.run, task, id=workflow_id, task_queue=task_queue
        )
        await within(run, 60, "the 30-page task with summary lines")
        carried = [
            carried_outputs(
                json.loads(event.workflow_execution_continued_as_new_event_attributes.input.payloads[0].data)["items"]
            )
            async for _, event in events_of_chain(conn.client, workflow_id)
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW
        ]
        done = await pages_read(conn.client, workflow_id)
    finally:
        await worker.stop()
    assert [page for _, page in done] == pages, "the chain should read every page once, in order"
    assert len(carried) == 3, f"30 pages at 10 model calls per run continue as new 3 times, not {len(carried)}"
    last = carried[-1]
    expected = [(await read_page(page)).partition(". ")[0] + "." for page in pages[: len(last)]]
    assert last == expected, (
        f"The third run should carry each page it read as one summary line, its first sentence ({expected[0]!r}); "
        f"it carried {last[0][:120]!r}... ({len(last[0]):,} characters). "
        "See TODO 2 in recipes/exercises/ex12_long_task.py"
    )
