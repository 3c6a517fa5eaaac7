"""Solutions to notebook 13's exercises: pin a chat to the old version, find the bad step.

``tests/test_exercises_13.py`` checks this module and the starter in ``recipes/exercises/``.
"""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.common import PinnedVersioningOverride, WorkerDeploymentVersion

from recipes.nb13_changing_running_agents.chat_v1 import ChatInput, TravelChat
from recipes.nb13_changing_running_agents.versions import DEPLOYMENT, TASK_QUEUE
from shared import CookbookError


async def start_pinned_chat(client: Client, workflow_id: str, build_id: str) -> WorkflowHandle:
    """Exercise 1: start a travel chat pinned to ``build_id``, whatever version is current."""
    version = WorkerDeploymentVersion(deployment_name=DEPLOYMENT, build_id=build_id)
    return await client.start_workflow(
        TravelChat.run,
        ChatInput(),
        id=workflow_id,
        task_queue=TASK_QUEUE,
        versioning_override=PinnedVersioningOverride(version),
    )


async def bad_step_point(handle: WorkflowHandle, text: str) -> int:
    """Exercise 2: the reset point before the first Activity whose result contains ``text``.

    That is the ``WorkflowTaskCompleted`` event whose commands scheduled the Activity.
    """
    task_completed = 0
    scheduled_by: dict[int, int] = {}  # Activity scheduled event id -> the Workflow Task that scheduled it
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            task_completed = event.event_id
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            scheduled_by[event.event_id] = task_completed
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            completed = event.activity_task_completed_event_attributes
            if any(text in payload.data.decode() for payload in completed.result.payloads):
                return scheduled_by[completed.scheduled_event_id]
    raise CookbookError(f"No Activity of Workflow {handle.id} returned a result containing {text!r}.")
