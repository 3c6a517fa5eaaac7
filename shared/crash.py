"""Await the moment to crash a worker: poll the Workflow until an Activity is running.

A crash demo must strike while a tool is working, and must not guess when
that is with a sleep. ``describe()`` lists the Workflow's pending Activities
with their state, attempt and the worker that runs them; polling it every few
milliseconds finds the moment exactly.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from temporalio.api.enums.v1 import PendingActivityState
from temporalio.client import WorkflowHandle

from shared.errors import CookbookError

POLL_INTERVAL_S = 0.05


@dataclass(frozen=True)
class RunningActivity:
    """An Activity attempt that a worker is working on right now."""

    name: str
    activity_id: str
    attempt: int
    worker: str


async def running_activities(handle: WorkflowHandle, *, started: bool = True) -> list[RunningActivity]:
    """The Activities of this Workflow that a worker has started (or, if not ``started``, all pending ones)."""
    description = await handle.describe()
    return [
        RunningActivity(p.activity_type.name, p.activity_id, p.attempt, p.last_worker_identity)
        for p in description.raw_description.pending_activities
        if not started or p.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED
    ]


async def wait_for_activity(
    handle: WorkflowHandle,
    name: str | None = None,
    *,
    min_attempt: int = 1,
    started: bool = True,
    timeout: float = 60.0,
) -> RunningActivity:
    """Wait until an Activity (called ``name``, if given) reaches attempt ``min_attempt`` or later.

    With ``started=True`` a worker must have picked the attempt up; with
    ``started=False`` it is enough that Temporal has scheduled it (after a crash,
    that is the moment Temporal has noticed and will hand the work to any live
    worker). Returns the attempt. Raises ``CookbookError`` if the Workflow ends
    first or nothing matching starts within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        for running in await running_activities(handle, started=started):
            if (name is None or running.name == name) and running.attempt >= min_attempt:
                return running
        description = await handle.describe()
        if description.close_time is not None:
            raise CookbookError(f"Workflow {handle.id} closed before {name or 'an Activity'} started.")
        if time.monotonic() > deadline:
            raise CookbookError(
                f"No {name or 'Activity'} (attempt >= {min_attempt}) started within {timeout:.0f} s in {handle.id}."
            )
        await asyncio.sleep(POLL_INTERVAL_S)
