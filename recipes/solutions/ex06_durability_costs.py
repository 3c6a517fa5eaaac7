"""Solutions to notebook 06's exercises: a setup of your own, Activity waits, and what a crash repeats."""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle
from temporalio.worker import PollerBehaviorAutoscaling

from bench import Setup


def high_volume_setup() -> Setup:
    """Exercise 1: model calls as Local Activities, the tool still an Activity, and autoscaling pollers.

    Local model calls save two server round trips per model call; the tool
    stays an Activity, so a crash repeats at most one model call and the tool
    keeps its own row and retries. Autoscaling pollers only help under load.
    """
    return Setup(
        "local model calls, autoscaling pollers",
        "use_local_activity=True; PollerBehaviorAutoscaling() for both kinds of task",
        "model calls become markers; tools keep their Activity rows and retries",
        local_model_calls=True,
        worker_options={
            "workflow_task_poller_behavior": PollerBehaviorAutoscaling(),
            "activity_task_poller_behavior": PollerBehaviorAutoscaling(),
        },
    )


async def activity_waits(handle: WorkflowHandle) -> list[float]:
    """Exercise 2: for each Activity of a finished run, the milliseconds between scheduled and started.

    With eager Activity execution (on by default) the Worker that schedules an
    Activity starts it at once, so these waits are close to zero.
    """
    scheduled: dict[int, float] = {}
    waits = []
    for event in (await handle.fetch_history()).events:
        at = event.event_time.ToMicroseconds() / 1000
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            scheduled[event.event_id] = at
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            waits.append(at - scheduled[event.activity_task_started_event_attributes.scheduled_event_id])
    return waits


async def markers_per_workflow_task(handle: WorkflowHandle) -> list[int]:
    """Exercise 3: for each completed Workflow Task of a finished run, how many markers it wrote.

    A Workflow Task's markers are written only when it completes, so a crash
    before then repeats all of them: with model and tool calls as Local
    Activities that is every step of the run; with model calls only, one.
    """
    counts: list[int] = []
    for event in (await handle.fetch_history()).events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            counts.append(0)
        elif event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
            counts[-1] += 1
    return counts
