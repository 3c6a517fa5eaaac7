"""The Activities of a running Workflow, and the names the OpenAI Agents plugin gives its own Activities.

A crash demo must strike while a tool is working, and must not guess when
that is with a sleep. ``describe()`` lists the Workflow's pending Activities
with their state, attempt, the worker that runs them and why the last attempt
failed; polling it finds the moment exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.api.enums.v1 import EventType, PendingActivityState
from temporalio.api.failure.v1 import Failure
from temporalio.api.workflow.v1 import PendingActivityInfo
from temporalio.api.workflowservice.v1 import GetWorkflowExecutionHistoryReverseRequest
from temporalio.client import WorkflowExecutionDescription, WorkflowHandle

from shared._core.errors import CookbookError
from shared._core.models import model_wait_s
from shared._core.waiting import WaitTimedOut, wait_until

MODEL_ACTIVITIES = {"invoke_model_activity", "invoke_model_activity_streaming"}
"""The Activity types the OpenAI Agents plugin runs model calls as."""

MCP_ACTIVITY_PREFIX = "temporalio.mcp."
"""MCP operations run as Activities named ``temporalio.mcp.<server>.<operation>`` (``list-tools``, ``call-tool``)."""

SIZE_LIMIT_MESSAGE = "Failure exceeds size limit."
"""What the server puts in front of an Activity failure too large to keep (about 4 KB)."""


def failure_text(failure: Failure) -> str:
    """A failure in one line: its own message and, if different, its root cause.

    The server's "Failure exceeds size limit." wrapper is skipped, so the real
    message shows even for a failure that was too large to keep whole.
    """
    while failure.message == SIZE_LIMIT_MESSAGE and failure.HasField("cause"):
        failure = failure.cause
    root = failure
    while root.HasField("cause"):
        root = root.cause
    text = failure.message or failure.application_failure_info.type or "failed"
    if root is not failure and root.message and root.message not in text:
        text += f" ({root.message})"
    return " ".join(text.split())


@dataclass(frozen=True)
class RunningActivity:
    """An Activity attempt Temporal has scheduled or a worker is working on right now."""

    name: str
    activity_id: str
    attempt: int
    worker: str
    started: bool = True
    last_failure: str = ""
    """Why the previous attempt failed ("" on the first attempt)."""

    def line(self) -> str:
        """One readable line: which Activity, which attempt, and why the last one failed."""
        what = "the model call" if self.name in MODEL_ACTIVITIES else self.name
        state = "running" if self.started else "waiting to retry"
        failure = f"; attempt {self.attempt - 1} failed: {self.last_failure}" if self.last_failure else ""
        return f"{what}: attempt {self.attempt}, {state}{failure}"


def from_pending(info: PendingActivityInfo) -> RunningActivity:
    """Read one entry of ``describe().raw_description.pending_activities``."""
    return RunningActivity(
        info.activity_type.name,
        info.activity_id,
        info.attempt,
        info.last_worker_identity,
        started=info.state == PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
        last_failure=failure_text(info.last_failure) if info.HasField("last_failure") else "",
    )


async def running_activities(handle: WorkflowHandle, *, started: bool = True) -> list[RunningActivity]:
    """The Activities of this Workflow that a worker has started (or, if not ``started``, all pending ones)."""
    return _pending(await handle.describe(), started)


def _pending(description: WorkflowExecutionDescription, started: bool) -> list[RunningActivity]:
    pending = [from_pending(p) for p in description.raw_description.pending_activities]
    return [p for p in pending if p.started or not started]


_TASK_OUTCOMES = {
    EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
}


async def failing_workflow_task(handle: WorkflowHandle) -> Failure | None:
    """Why the Workflow's Workflow Task is failing now: its last outcome, if that was a failure; else None.

    A failed Workflow Task is retried, not recorded again, so the Workflow
    looks stuck from outside; the newest outcome in the Event History says why.
    A timed-out task (a Worker that crashed) is not a failure of the code.
    """
    request = GetWorkflowExecutionHistoryReverseRequest(namespace=handle._client.namespace, maximum_page_size=50)
    request.execution.workflow_id = handle.id
    response = await handle._client.workflow_service.get_workflow_execution_history_reverse(request)
    for event in response.history.events:
        if event.event_type in _TASK_OUTCOMES:
            failed = event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED
            return event.workflow_task_failed_event_attributes.failure if failed else None
    return None


async def check_workflow_task(handle: WorkflowHandle, description: WorkflowExecutionDescription) -> None:
    """Raise ``CookbookError`` with the cause if the Workflow's Workflow Task keeps failing, so a wait ends at once."""
    raw = description.raw_description
    if not raw.HasField("pending_workflow_task") or raw.pending_workflow_task.attempt < 2:
        return
    failure = await failing_workflow_task(handle)
    if failure is not None:
        raise CookbookError(
            f"The Workflow Task of {handle.id} keeps failing (attempt {raw.pending_workflow_task.attempt}), "
            f"so the Workflow cannot go on until a Worker can complete it: {failure_text(failure)}"
        )


async def wait_for_activity(
    handle: WorkflowHandle,
    name: str | None = None,
    *,
    min_attempt: int = 1,
    started: bool = True,
    timeout: float | None = None,
    or_closed: bool = False,
) -> RunningActivity | None:
    """Wait until an Activity (called ``name``, if given) reaches attempt ``min_attempt`` or later.

    With ``started=True`` a worker must have picked the attempt up; with
    ``started=False`` it is enough that Temporal has scheduled it (after a crash,
    that is the moment Temporal has noticed and will hand the work to any live
    worker). Returns the attempt. If the Workflow ends first, returns ``None``
    with ``or_closed`` (the model may never ask for the tool), else raises
    ``CookbookError``. It also raises if the Workflow Task keeps failing (with
    the failure's cause), or on a wait past ``timeout`` seconds (by default,
    time for two model calls of the model in use, ``model_wait_s``), saying
    what the run was doing instead.
    """
    wanted = f"{name or 'an Activity'} (attempt >= {min_attempt}) to start in {handle.id}"

    async def matching() -> RunningActivity | bool:
        description = await handle.describe()
        for running in _pending(description, started):
            if (name is None or running.name == name) and running.attempt >= min_attempt:
                return running
        if description.close_time is None:
            await check_workflow_task(handle, description)
            return False
        if or_closed:
            return True
        raise CookbookError(
            f"Workflow {handle.id} closed before {name or 'an Activity'} started; "
            "history_table shows what it did instead."
        )

    try:
        found = await wait_until(matching, model_wait_s(2) if timeout is None else timeout, wanted)
    except WaitTimedOut as err:
        raise CookbookError(f"{err} Meanwhile {await doing(handle)}.") from None
    return found if isinstance(found, RunningActivity) else None


async def doing(handle: WorkflowHandle) -> str:
    """What a running Workflow is doing, in a few words: its pending Activities, or waiting for its next step."""
    pending = await running_activities(handle, started=False)
    if pending:
        return f"{handle.id} was running " + "; ".join(p.line() for p in pending)
    return f"{handle.id} had no Activity under way (between steps, or waiting for a Signal, Update or timer)"
