"""A task longer than a history: one agent run's Event History, model call by model call, and where it meets limits.

Notebook 12's reader agent reads N pages in one ``Runner.run``, one page per
model call, so every model call's input holds every page read so far. The
benchmark runs it three ways (unbounded, with a claim check, with a budget of
model calls per run and continue-as-new), reads the size of the current run's
history at every model call, fits the curve, and finds the model call at which
Temporal's 50 MB history limit, or its 2 MB payload limit, would be reached.
The fit is notebook 10's chat fit (``bench.history_growth``), per model call.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from temporalio.client import Client, WorkflowFailureError

from bench.history_growth import LIMITS, _first_turn
from recipes.nb12_tasks_longer_than_a_history import long_task
from recipes.nb12_tasks_longer_than_a_history.long_task import LongTaskInput, ModelCall, ReadingWorkflow, page_ids
from shared import claim_check, setup, start_worker

NEVER = 1_000_000
"""A fitted crossing beyond this many model calls counts as never (a flat line's rounding error crosses somewhere)."""


@dataclass
class LongTask:
    """One reading task, model call by model call, and where its curve meets Temporal's limits."""

    name: str
    pages: int
    model_calls_per_run: int | None
    calls: list[ModelCall]
    seconds: float = 0.0
    stopped: str | None = None
    """Why the server ended the run early (its history passed 50 MB), or ``None`` when the task finished."""
    claim_check: bool = False
    store_bytes: int = 0
    """What the claim-check store holds at the end (0 without one)."""

    def runs(self) -> list[list[ModelCall]]:
        """The model calls of each run of the chain, first to last."""
        return [[c for c in self.calls if c.run == run] for run in sorted({c.run for c in self.calls})]

    def fitted(self) -> tuple[np.ndarray, np.ndarray]:
        """Polynomials in the model call for the largest history and the largest input so far.

        One run: the history is the sum of every input so far, so a quadratic
        fits it, and each input holds every page so far, a line. With a claim
        check, every input past the store's threshold is a claim of the same
        size, so the second half of the run fits a line. A chain of runs: each
        full run's last model call (its largest history and input) against the
        call's number, a line, since what a run carries grows with the pages read.
        """
        runs = self.runs()
        if len(runs) > 1:
            points, degree = [run[-1] for run in runs[:-1]], 1  # the last run may stop short of its budget
        elif self.claim_check:
            points, degree = runs[0][len(runs[0]) // 2 :], 1
        else:
            points, degree = runs[0], 2
        calls = np.array([c.call for c in points], dtype=float)
        history = np.polyfit(calls, [c.history_bytes for c in points], degree)
        inputs = np.polyfit(calls, [c.input_bytes for c in points], 1)
        return history, inputs

    def limit_calls(self) -> dict[str, int | None]:
        """For each limit, the first model call that would reach it (``None``: the fitted curve never does)."""
        history, inputs = self.fitted()
        crossings = {"payload": _first_turn(inputs, LIMITS["payload"])}
        crossings["history_bytes"] = _first_turn(history, LIMITS["history_bytes"])
        return {name: call if call is not None and call <= NEVER else None for name, call in crossings.items()}

    def bytes_per_call(self) -> float:
        """What the last model call of the longest run added to the history, in bytes."""
        longest = max(self.runs(), key=len)
        return float(longest[-1].history_bytes - longest[-2].history_bytes)

    def largest_run(self) -> int:
        """The largest any run's history grew to, in bytes."""
        return max(c.history_bytes for c in self.calls)

    def as_dict(self) -> dict[str, object]:
        """The task for the JSON file."""
        history, inputs = self.fitted()
        return {
            "name": self.name,
            "pages": self.pages,
            "page_chars": long_task.PAGE_CHARS,
            "model_calls_per_run": self.model_calls_per_run,
            "seconds": round(self.seconds, 2),
            "stopped": self.stopped,
            "claim_check": self.claim_check,
            "store_bytes": self.store_bytes,
            "calls": [c.__dict__ for c in self.calls],
            "history_fit": history.tolist(),
            "input_fit": inputs.tolist(),
            "limit_calls": self.limit_calls(),
        }


def about(call: int | None) -> str:
    """A fitted model call to two significant figures ("about 5,000"), since the fit is an estimate; or "never"."""
    return "never" if call is None else f"about {float(f'{call:.2g}'):,.0f}"


async def run_task(client: Client, task_queue: str, name: str, task: LongTaskInput) -> LongTask:
    """Run one reading task to the end and read its history per model call."""
    started = time.perf_counter()
    workflow_id = f"bench-long-task-{uuid.uuid4().hex}"
    stopped = None
    try:
        await client.execute_workflow(ReadingWorkflow.run, task, id=workflow_id, task_queue=task_queue)
    except WorkflowFailureError as failure:
        stopped = str(failure.cause)  # "Workflow history size exceeds limit.", when the server terminates it
    seconds = time.perf_counter() - started
    calls = await long_task.history_per_model_call(client, workflow_id)
    return LongTask(name, len(task.pages), task.model_calls_per_run, calls, seconds, stopped)


async def measure_long_task(
    client: Client, task_queue: str, *, pages: int, claimed_pages: int, chained_pages: int, budget: int = 20
) -> list[LongTask]:
    """The reading task of ``pages`` pages unbounded, ``claimed_pages`` with a claim check, ``chained_pages`` chained.

    With enough pages the server ends the unbounded run when its history passes
    50 MB (``stopped`` says so). The claim check's store grows with the square
    of the model calls, as the unbounded history does, so it reads fewer pages
    to keep ``make bench`` short; the chain is cheap, so it reads more.
    """
    worker = await start_worker(client, long_task, task_queue=task_queue, name="bench-long-task")
    try:
        unbounded = await run_task(client, task_queue, "unbounded", LongTaskInput(page_ids(pages)))
        chained = LongTaskInput(page_ids(chained_pages), model_calls_per_run=budget)
        split = await run_task(client, task_queue, f"{budget} model calls per run, continue-as-new", chained)
    finally:
        await worker.stop()
    store = Path(tempfile.mkdtemp(prefix="bench-claim-check-"))
    try:
        stored = await setup(external_storage=claim_check(store), quiet=True)
        queue = f"{task_queue}-claim-check"
        worker = await start_worker(stored.client, long_task, task_queue=queue, name="bench-long-task-cc")
        try:
            claimed = await run_task(stored.client, queue, "claim check", LongTaskInput(page_ids(claimed_pages)))
        finally:
            await worker.stop()
        claimed.claim_check = True
        claimed.store_bytes = sum(p.stat().st_size for p in store.iterdir())
    finally:
        shutil.rmtree(store, ignore_errors=True)
    return [unbounded, claimed, split]
