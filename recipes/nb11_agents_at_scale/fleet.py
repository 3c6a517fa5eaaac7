"""Client-side drivers for notebook 11: start many agents at once; read when and where each Activity ran.

Every figure the notebook shows about a fleet of agents comes from Event
Histories, not from the clock in the notebook: ``ActivityTaskScheduled`` says
when a Workflow asked for a model call, ``ActivityTaskStarted`` when a Worker
got it, on which attempt, and which Worker (its ``identity``).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from shared import MODEL_ACTIVITIES


@dataclass
class ActivityStart:
    """When one Activity was asked for and when a Worker started it (its last attempt), from the Event History."""

    workflow_id: str
    name: str
    scheduled: datetime
    started: datetime
    attempt: int
    worker: str
    last_failure: str

    @property
    def waited_s(self) -> float:
        """Seconds from scheduled to started: time in the Task Queue, plus any retry delays."""
        return (self.started - self.scheduled).total_seconds()

    @property
    def is_model_call(self) -> bool:
        """Whether the Activity is a model call (the plugin's model Activity)."""
        return self.name in MODEL_ACTIVITIES


async def activity_starts(handles: Sequence[WorkflowHandle]) -> list[ActivityStart]:
    """Every Activity of the runs, in the order they started."""
    starts: list[ActivityStart] = []
    for handle in handles:
        scheduled: dict[int, tuple[str, datetime]] = {}
        async for event in handle.fetch_history_events():
            if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                attrs = event.activity_task_scheduled_event_attributes
                scheduled[event.event_id] = (attrs.activity_type.name, event.event_time.ToDatetime())
            elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
                started = event.activity_task_started_event_attributes
                name, asked = scheduled[started.scheduled_event_id]
                starts.append(
                    ActivityStart(
                        handle.id, name, asked, event.event_time.ToDatetime(), started.attempt, started.identity,
                        started.last_failure.message,
                    )
                )  # fmt: skip
    return sorted(starts, key=lambda start: start.started)


def starts_per_second(starts: Sequence[ActivityStart]) -> list[int]:
    """How many of ``starts`` began in each whole second, counted from the first."""
    if not starts:
        return []
    first = min(start.started for start in starts)
    seconds = Counter(int((start.started - first).total_seconds()) for start in starts)
    return [seconds[second] for second in range(max(seconds) + 1)]


CLOCK_SLACK_S = 0.2
"""How late after the limiter let a call go the server may stamp its ``ActivityTaskStarted`` event (on a loaded
2-core machine, two Workers' calls once came out one call over the budget at 0.05 s)."""


def over_budget(starts: Sequence[ActivityStart], per_second: float, burst: float) -> int:
    """How many calls the worst stretch of the run started beyond a token bucket's budget (0: the budget held).

    A token bucket of ``burst`` tokens, refilled at ``per_second``, lets at most
    ``per_second * t + burst`` calls start in any stretch of ``t`` seconds. Each
    pair of starts bounds one stretch; ``CLOCK_SLACK_S`` allows for when the
    server stamps the events.
    """
    times = sorted((start.started - starts[0].started).total_seconds() for start in starts)
    worst = 0.0
    for first, begin in enumerate(times):
        for last in range(first, len(times)):
            allowed = per_second * (times[last] - begin + CLOCK_SLACK_S) + burst
            worst = max(worst, last - first + 1 - allowed)
    return int(worst)


def by_worker(starts: Sequence[ActivityStart]) -> dict[str, int]:
    """How many Activities each Worker started, by the identity the history records."""
    return dict(sorted(Counter(start.worker for start in starts).items()))


@dataclass
class Burst:
    """Many runs started at once: their handles and the wall time until the last one finished."""

    handles: list[WorkflowHandle]
    wall_s: float

    @property
    def per_second(self) -> float:
        """Runs finished per second of wall time."""
        return len(self.handles) / self.wall_s


async def start_many(
    client: Client, run: Callable[..., Any], args: Sequence[Any], *, id_prefix: str, task_queue: str
) -> list[WorkflowHandle]:
    """Start one run per argument at the same moment, with ids ``{id_prefix}-0``, ``{id_prefix}-1``, ..."""
    starting = (
        client.start_workflow(run, arg, id=f"{id_prefix}-{i}", task_queue=task_queue) for i, arg in enumerate(args)
    )
    return list(await asyncio.gather(*starting))


async def run_many(
    client: Client, run: Callable[..., Any], args: Sequence[Any], *, id_prefix: str, task_queue: str
) -> Burst:
    """Start one run per argument at the same moment, wait for all of them, and time it."""
    began = time.monotonic()
    handles = await start_many(client, run, args, id_prefix=id_prefix, task_queue=task_queue)
    await asyncio.gather(*(handle.result() for handle in handles))
    return Burst(handles, time.monotonic() - began)


async def pending_children(client: Client, parent: WorkflowHandle) -> list[WorkflowHandle]:
    """Handles on the parent's child Workflows that are still running, as the server describes the parent."""
    description = await parent.describe()
    children = sorted(description.raw_description.pending_children, key=lambda child: child.workflow_id)
    return [client.get_workflow_handle(child.workflow_id, run_id=child.run_id) for child in children]


async def children_of(client: Client, parent: WorkflowHandle) -> list[WorkflowHandle]:
    """Handles on every child Workflow the parent started, by Workflow id."""
    children = []
    async for event in parent.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED:
            execution = event.child_workflow_execution_started_event_attributes.workflow_execution
            children.append(client.get_workflow_handle(execution.workflow_id, run_id=execution.run_id))
    return sorted(children, key=lambda child: child.id)
