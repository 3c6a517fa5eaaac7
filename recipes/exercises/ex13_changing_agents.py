"""Starters for notebook 13's exercises: pin a chat to the old version, find the bad step.

Each ``TODO`` marks what to change; check your work with ``make exercises NB=13``.
``tests/test_exercises_13.py`` runs the same checks on this module and on
``recipes/solutions/ex13_changing_agents.py``: they fail here until you finish the exercise.
"""

from __future__ import annotations

from temporalio.api.enums.v1 import EventType  # noqa: F401 (you will need it in exercise 2)
from temporalio.client import Client, WorkflowHandle
from temporalio.common import PinnedVersioningOverride, WorkerDeploymentVersion  # noqa: F401 (exercise 1)

from recipes.nb13_changing_running_agents.chat_v1 import ChatInput, TravelChat
from recipes.nb13_changing_running_agents.versions import DEPLOYMENT, TASK_QUEUE  # noqa: F401 (exercise 1)
from shared import CookbookError  # noqa: F401 (exercise 2)


async def start_pinned_chat(client: Client, workflow_id: str, build_id: str) -> WorkflowHandle:
    """Exercise 1: start a travel chat pinned to ``build_id``, whatever version is current."""
    # TODO: pass versioning_override=PinnedVersioningOverride(...) naming the deployment version
    # (DEPLOYMENT, build_id); without it the chat starts on the current version.
    return await client.start_workflow(TravelChat.run, ChatInput(), id=workflow_id, task_queue=TASK_QUEUE)


async def bad_step_point(handle: WorkflowHandle, text: str) -> int:
    """Exercise 2: the reset point before the first Activity whose result contains ``text``.

    That is the ``WorkflowTaskCompleted`` event whose commands scheduled the Activity.
    """
    # TODO: walk handle.fetch_history_events(): remember the latest WorkflowTaskCompleted event id, which
    # Workflow Task scheduled each Activity, and return it for the first ActivityTaskCompleted whose result
    # payloads contain ``text`` (see resets.reset_point, which finds the point by the Activity's name).
    raise NotImplementedError("bad_step_point: find the Workflow Task that scheduled the step that went wrong")
