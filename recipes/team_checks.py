"""Check notebook 07's exercises: your starters, or the solutions, with the checks the tests run.

From a terminal (it starts its own embedded server and Worker, so it always
runs the code as it is on disk now)::

    .venv/bin/python -m recipes.team_checks              # recipes/exercises/ex07_teams.py
    .venv/bin/python -m recipes.team_checks solutions    # recipes/solutions/ex07_teams.py

Each check runs one Workflow of the module on the real server and raises
``AssertionError`` with a hint when the exercise is not done yet.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
import uuid
from collections.abc import Awaitable, Callable
from types import ModuleType
from typing import Any

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError, WorkflowHandle

import shared
from recipes.approval_agent import Decision
from recipes.support_team import IncidentRequest

SHIPPING_TICKET = "My shipping for A-4004 is late: where is my parcel?"
CARD = "4111 1111 1111 1111"
CARD_TICKET = f"I paid for A-1001 with card {CARD}, but the blender arrived broken. Please refund it."
RESULT_TIMEOUT_S = 30.0


async def result_of(handle: WorkflowHandle, timeout: float = RESULT_TIMEOUT_S) -> Any:
    """The Workflow's result; a failure or a stuck Workflow Task becomes an ``AssertionError`` that says why."""
    try:
        return await asyncio.wait_for(handle.result(), timeout)
    except WorkflowFailureError as err:
        raise AssertionError(f"The Workflow failed: {err.cause}") from None
    except TimeoutError:
        failure = await shared.first_workflow_task_failure(handle, timeout=1)
        raise AssertionError(f"The Workflow is stuck: its Workflow Task fails with {failure.message}") from None


async def check_add_a_specialist(client: Client, module: ModuleType, task_queue: str) -> str:
    """Exercise 1: a delivery ticket reaches a Shipping Specialist, whose tool runs once."""
    handle = await client.start_workflow(
        module.TeamWithShippingWorkflow.run, SHIPPING_TICKET, id=f"ex07-1-{uuid.uuid4().hex[:8]}", task_queue=task_queue
    )
    reply = await result_of(handle)
    assert reply.answered_by == "Shipping Specialist", (
        f"Triage left the ticket with {reply.answered_by!r}, not the 'Shipping Specialist': "
        "is the specialist named so, and in the team?"
    )
    table = await shared.history_table(handle)
    assert table.count("tool", "track_parcel") == 1, "The Shipping Specialist never ran the track_parcel Activity."
    return f"{reply.answered_by}: {reply.answer}"


async def check_tolerant_fan_out(client: Client, module: ModuleType, task_queue: str) -> str:
    """Exercise 2: a refund for an unknown order fails one agent; the review still reports all three."""
    request = IncidentRequest("Acme", ["Checkout", "Login"], "Z-9999", tool_seconds=0.1)
    handle = await client.start_workflow(
        module.TolerantIncidentReviewWorkflow.run, request, id=f"ex07-2-{uuid.uuid4().hex[:8]}", task_queue=task_queue
    )
    report = await result_of(handle)
    findings = report.findings
    assert findings.get("Refund Specialist", "").startswith("failed: "), (
        f"The failed branch should say 'failed: <why>', got {findings.get('Refund Specialist')!r}"
    )
    assert "Z-9999" in findings["Refund Specialist"], "Say why it failed: the innermost cause names the order."
    assert "Checkout" in findings.get("Technical Specialist", ""), "The Technical Specialist's finding is missing."
    assert "Billing Specialist" in findings, "The Billing Specialist's finding is missing."
    return f"Refund Specialist: {findings['Refund Specialist']}"


async def check_guardrail_asks_a_human(client: Client, module: ModuleType, task_queue: str) -> str:
    """Exercise 3: a ticket with a card number waits for a reviewer, then goes on without the number."""
    workflow = module.ReviewedSupportWorkflow
    handle = await client.start_workflow(
        workflow.run, CARD_TICKET, id=f"ex07-3-{uuid.uuid4().hex[:8]}", task_queue=task_queue
    )
    await wait_for_review(handle, workflow.status)
    await handle.execute_update(workflow.review, Decision(approved=True, comment="card removed", reviewer="ana"))
    outcome = await result_of(handle)
    assert outcome.status == "answered", f"After the approval the team should answer, got {outcome}"
    assert not await _sent_to_an_activity(handle, CARD), "The card number reached a model or a tool."
    return f"{outcome.status}: {outcome.text}"


async def wait_for_review(handle: WorkflowHandle, status_query: Callable[..., str], timeout: float = 20.0) -> None:
    """Wait until the Workflow says it waits for a review; fail at once if it ends without asking."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if (await handle.describe()).status != WorkflowExecutionStatus.RUNNING:
            outcome = await result_of(handle)
            raise AssertionError(f"The Workflow ended without asking a human: {outcome}")
        if await handle.query(status_query) == "waiting for review":
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"The Workflow did not wait for a review within {timeout:.0f} s.")


async def _sent_to_an_activity(handle: WorkflowHandle, text: str) -> bool:
    """Whether ``text`` appears in the input of any Activity (model call or tool) the Workflow scheduled."""
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            payloads = event.activity_task_scheduled_event_attributes.input.payloads
            if any(text.encode() in p.data for p in payloads):
                return True
    return False


CHECKS: list[tuple[str, Callable[[Client, ModuleType, str], Awaitable[str]]]] = [
    ("1. add a specialist", check_add_a_specialist),
    ("2. a fan-out that tolerates a failing branch", check_tolerant_fan_out),
    ("3. a guardrail that asks a human", check_guardrail_asks_a_human),
]


async def run_checks(module_name: str) -> int:
    """Run every check against the module on a fresh Worker; print one line each; return how many failed."""
    connection = await shared.setup(quiet=True)
    module = importlib.import_module(module_name)
    task_queue = f"ex07-{uuid.uuid4().hex[:8]}"
    worker = await shared.start_worker(
        connection.client, task_queue=task_queue, workflows=module.WORKFLOWS, activities=module.ACTIVITIES
    )
    failed = 0
    try:
        for title, check in CHECKS:
            try:
                print(f"✓ {title}: {await check(connection.client, module, task_queue)}")
            except AssertionError as err:
                failed += 1
                print(f"✗ {title}: {err}")
    finally:
        await worker.stop()
        if connection.server is not None:
            connection.server.stop()
    return failed


def main() -> None:
    """Check the starters, or the solutions with the argument ``solutions``."""
    which = sys.argv[1] if len(sys.argv) > 1 else "exercises"
    if which not in ("exercises", "solutions"):
        sys.exit("usage: python -m recipes.team_checks [exercises|solutions]")
    sys.exit(1 if asyncio.run(run_checks(f"recipes.{which}.ex07_teams")) else 0)


if __name__ == "__main__":
    main()
