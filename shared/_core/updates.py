"""An Update that says in one line why it cannot finish, instead of waiting for ever.

A Workflow Task that fails is retried, not failed: a fix (the right key, a
claim-check store, a smaller conversation) lets the same task succeed later.
Nothing is lost, but a caller waiting on an Update would wait, and after about
20 s hear only "Workflow Task in failed state". ``execute_update_or_explain``
stops waiting as soon as the task fails again and gives the failure's own cause.

One cause gets its own words: the Temporal server refuses any single payload
over 2 MB (``limit.blobSize.error``; it warns from 512 KB). A Worker checks
before it sends, so a Workflow Task that would schedule an Activity with a
bigger input fails with ``PayloadsTooLarge``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from temporalio.api.failure.v1 import Failure
from temporalio.client import WorkflowHandle

from shared._core.activities import failing_workflow_task
from shared._core.errors import CookbookError

PAYLOAD_LIMIT_BYTES = 2 * 1024 * 1024
POLL_INTERVAL_S = 0.1


async def execute_update_or_explain(
    handle: WorkflowHandle,
    update: Any,
    arg: Any,
    *,
    update_id: str | None = None,
    timeout: float | None = 60.0,
    result_type: type | None = None,
) -> Any:
    """Run an Update and return its result; if a Workflow Task fails meanwhile, raise why in one line.

    A task that times out (a Worker too busy or gone) is not a failure: the
    server retries it, and the wait goes on.

    The Update is not lost: once a Worker can complete the task (give it a
    claim check, or a smaller conversation),
    ``handle.get_update_handle(update_id).result()`` returns the reply.
    ``timeout=None`` waits as long as the Update takes (a turn that calls a
    model may take as long as the model's retries).
    """
    attempts_before = await _workflow_task_attempt(handle)
    pending = asyncio.create_task(handle.execute_update(update, arg, id=update_id, result_type=result_type))
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while not pending.done():
            if deadline is not None and time.monotonic() > deadline:
                raise CookbookError(f"The Update on {handle.id} did not finish within {timeout:.0f} s.")
            if await _workflow_task_attempt(handle) > max(attempts_before, 1):
                failure = await failing_workflow_task(handle)
                if failure is not None:  # a task that timed out (a busy or dead Worker) is retried as is: wait on
                    raise CookbookError(_explain_failure(handle, failure))
            await asyncio.wait({pending}, timeout=POLL_INTERVAL_S)
        return pending.result()
    finally:
        if not pending.done():
            pending.cancel()
            await asyncio.gather(pending, return_exceptions=True)


async def _workflow_task_attempt(handle: WorkflowHandle) -> int:
    """The attempt number of the Workflow Task now pending (1 while nothing has failed)."""
    description = await handle.describe()
    pending = description.raw_description.pending_workflow_task
    return pending.attempt if description.raw_description.HasField("pending_workflow_task") else 0


def _explain_failure(handle: WorkflowHandle, failure: Failure) -> str:
    """A Workflow Task's failure, as one line that says what to do about it."""
    if failure.application_failure_info.type == "PayloadsTooLarge":
        return (
            f"This turn cannot be recorded: a payload is over the server's "
            f"{PAYLOAD_LIMIT_BYTES // (1024 * 1024)} MB limit ({failure.message}). "
            "The Worker will retry the Workflow Task until it can complete it: restart the Worker "
            "with a claim check, or end the chat."
        )
    return f"The Workflow Task of {handle.id} is failing and will be retried: {failure.message}"
