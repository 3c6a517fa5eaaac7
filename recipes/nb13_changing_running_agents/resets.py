"""Reset a Workflow to the point before a step, by the client API (``temporal workflow reset`` does the same).

* ``reset_point(handle, activity_name)``: the event id to reset to, the
  Workflow Task that scheduled the first run of that Activity;
* ``reset_workflow(handle, event_id, reason)``: start a new run of the same
  Workflow Id that keeps the history up to that point and runs on from there.
"""

from __future__ import annotations

import uuid

from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import WorkflowHandle

from shared import CookbookError


async def reset_point(handle: WorkflowHandle, activity_name: str) -> int:
    """The id of the ``WorkflowTaskCompleted`` event whose commands scheduled ``activity_name`` first.

    Resetting there keeps every event before it (the model call that asked for
    the tool, with its answer) and drops that Workflow Task's commands, so the
    tool and everything after it run again.
    """
    task_completed = 0
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            task_completed = event.event_id
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            if event.activity_task_scheduled_event_attributes.activity_type.name == activity_name:
                return task_completed
    raise CookbookError(f"Workflow {handle.id} never scheduled {activity_name!r}: there is no point before it.")


async def reset_workflow(handle: WorkflowHandle, event_id: int, reason: str) -> WorkflowHandle:
    """Reset the Workflow to ``event_id`` and return a handle on the new run it starts."""
    client = handle._client  # a WorkflowHandle keeps its client; it has no public accessor
    response = await client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=handle.id, run_id=handle.run_id or ""),
            reason=reason,
            workflow_task_finish_event_id=event_id,
            request_id=str(uuid.uuid4()),
        )
    )
    return client.get_workflow_handle(handle.id, run_id=response.run_id)
