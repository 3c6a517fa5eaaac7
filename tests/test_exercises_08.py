"""Notebook 08's exercise: the check passes on the solution and fails on the unedited starter.

Each check runs the module's Workflow on a Worker of its own; its messages
are the hints a learner reads from ``make exercises NB=08``.
"""

from __future__ import annotations

import uuid
from types import ModuleType

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle, WorkflowUpdateFailedError

from recipes.nb03_human_approval.approval_agent import Decision
from shared import Connection, wait_until
from tests.exercises import solution_and_starter, workflow_result

EX = "ex08_in_bounds"
CARD = "4111 1111 1111 1111"
CARD_TICKET = f"I paid for A-1001 with card {CARD}, but the blender arrived broken. Please refund it."


async def card_ticket_waiting_for_review(ex: ModuleType, conn: Connection, ex_queue: str) -> WorkflowHandle:
    """Send the ticket with a card number; return once the Workflow waits for a review, fail if it ends without."""
    handle = await conn.client.start_workflow(
        ex.ReviewedSupportWorkflow.run, CARD_TICKET, id=f"ex08-1-{uuid.uuid4().hex[:8]}", task_queue=ex_queue
    )

    async def waiting() -> bool:
        if (await handle.describe()).status != WorkflowExecutionStatus.RUNNING:
            outcome = await workflow_result(handle)
            raise AssertionError(
                f"The Workflow ended without asking a human: {outcome} (TODO 1a: wait for the review Update)."
            )
        return await handle.query(ex.ReviewedSupportWorkflow.status) == "waiting for review"

    await wait_until(waiting, 20, "the Workflow to wait for a review")
    return handle


async def sent_to_an_activity(handle: WorkflowHandle, text: str) -> bool:
    """Whether ``text`` appears in the input of any Activity (model call or tool) the Workflow scheduled."""
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            payloads = event.activity_task_scheduled_event_attributes.input.payloads
            if any(text.encode() in p.data for p in payloads):
                return True
    return False


@solution_and_starter(EX, starter_fails_with="ended without asking a human")
async def test_exercise_1_a_card_number_waits_for_a_reviewer_then_goes_on_without_it(
    ex: ModuleType, conn: Connection, ex_queue: str
) -> None:
    handle = await card_ticket_waiting_for_review(ex, conn, ex_queue)
    approval = Decision(approved=True, comment="card removed", reviewer="ana")
    await handle.execute_update(ex.ReviewedSupportWorkflow.review, approval)
    outcome = await workflow_result(handle)
    assert outcome.status == "answered", f"After the approval the ex_queue should answer, got {outcome}"
    assert not await sent_to_an_activity(handle, CARD), "The card number reached a model or a tool."


@solution_and_starter(EX, starter_fails_with="ended without asking a human")
async def test_exercise_1_a_rejection_needs_a_reason_and_then_stops_the_run(
    ex: ModuleType, conn: Connection, ex_queue: str
) -> None:
    workflow = ex.ReviewedSupportWorkflow
    handle = await card_ticket_waiting_for_review(ex, conn, ex_queue)
    rejection = Decision(approved=False, comment="", reviewer="ana")
    try:
        await handle.execute_update(workflow.review, rejection)
    except WorkflowUpdateFailedError:
        pass  # refused, in whatever words: the check is the behaviour, not the message
    else:
        raise AssertionError("A rejection without a comment was accepted: refuse it in a validator (TODO 1b).")
    reason = Decision(approved=False, comment="no cards in tickets", reviewer="ana")
    reply = await handle.execute_update(workflow.review, reason)
    assert isinstance(reply, str) and reply.strip(), "The review Update should return a short confirmation."
    result = await workflow_result(handle)
    assert (result.status, result.guardrail) == ("blocked", "no_card_numbers"), (
        f"After a rejection the run should end blocked by no_card_numbers, got {result}"
    )
    assert reason.comment in result.text, (
        f"The blocked outcome should carry the reviewer's comment, got {result.text!r}"
    )
