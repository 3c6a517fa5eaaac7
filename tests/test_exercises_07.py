"""Notebook 07's exercises: each check passes on the solution and fails on the unedited starter.

Each check runs one Workflow of the module on a Worker of its own; its
messages are the hints a learner reads from ``make exercises NB=07``.
"""

from __future__ import annotations

import logging
import uuid
from types import ModuleType

import pytest
from temporalio.client import WorkflowFailureError

from recipes.nb07_teams_of_agents.support_team import IncidentRequest
from shared import Connection, history_table
from tests.exercises import solution_and_starter, within, workflow_result

EX = "ex07_teams"
SHIPPING_TICKET = "My shipping for A-4004 is late: where is my parcel?"
RESULT_TIMEOUT_S = 30.0


@solution_and_starter(EX, starter_fails_with="not the 'Shipping Specialist'")
async def test_exercise_1_a_delivery_ticket_reaches_the_shipping_specialist(
    ex: ModuleType, conn: Connection, ex_queue: str
) -> None:
    handle = await conn.client.start_workflow(
        ex.TeamWithShippingWorkflow.run, SHIPPING_TICKET, id=f"ex07-1-{uuid.uuid4().hex[:8]}", task_queue=ex_queue
    )
    reply = await workflow_result(handle)
    assert reply.answered_by == "Shipping Specialist", (
        f"Triage left the ticket with {reply.answered_by!r}, not the 'Shipping Specialist': "
        "is the specialist named so, and in the ex_queue?"
    )
    table = await history_table(handle)
    assert table.count("tool", "track_parcel") == 1, "The Shipping Specialist never ran the track_parcel Activity."


@solution_and_starter(EX, starter_fails_with="one failing branch failed the whole review")
async def test_exercise_2_the_fan_out_reports_a_failing_branch(
    ex: ModuleType, conn: Connection, ex_queue: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="temporalio.activity")  # the refund's expected failure, not a traceback
    request = IncidentRequest("Acme", ["Checkout", "Login"], "Z-9999", tool_seconds=0.1)
    handle = await conn.client.start_workflow(
        ex.TolerantIncidentReviewWorkflow.run, request, id=f"ex07-2-{uuid.uuid4().hex[:8]}", task_queue=ex_queue
    )
    try:
        findings = (await within(handle.result(), RESULT_TIMEOUT_S, "The review")).findings
    except WorkflowFailureError:
        raise AssertionError(
            "The review failed: one failing branch failed the whole review. Keep the other branches' findings "
            "(TODO 2 in TolerantIncidentReviewWorkflow; asyncio.gather can return exceptions instead of raising)."
        ) from None
    assert findings.get("Refund Specialist", "").startswith("failed: "), (
        f"The failed branch should say 'failed: <why>', got {findings.get('Refund Specialist')!r}"
    )
    assert "Z-9999" in findings["Refund Specialist"], "Say why it failed: the innermost cause names the order."
    assert "Checkout" in findings.get("Technical Specialist", ""), "The Technical Specialist's finding is missing."
    assert "Billing Specialist" in findings, "The Billing Specialist's finding is missing."
