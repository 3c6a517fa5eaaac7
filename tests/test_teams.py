"""Notebooks 07 and 08: teams of agents, and the code that keeps them in bounds, on the real embedded server.

Proves: the history table names the agent behind every model call; a handoff
passes control for good while a manager using agents as tools keeps it; a
fan-out runs agents, and one reply's tool calls, at the same time, and its
history replays; Workflow code branches on structured output; a tripped
guardrail is an outcome, with nothing sent to a model; a model that
misbehaves (an unknown handoff, output that does not fit) fails the Workflow
with one clear non-retryable error, while without the catch the Workflow Task
fails over and over on the same recorded reply; and a SIGKILL between two
specialists of a chain loses nothing and repeats nothing.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError, WorkflowHandle
from temporalio.exceptions import ApplicationError

import shared
from recipes.nb07_teams_of_agents import support_team
from recipes.nb07_teams_of_agents.support_team import (
    EscalationRequest,
    EscalationWorkflow,
    IncidentRequest,
    IncidentReviewWorkflow,
    SupportRequest,
    SupportTeamWorkflow,
)
from recipes.nb08_keeping_agents_in_bounds import guarded_team
from recipes.nb08_keeping_agents_in_bounds.guarded_team import (
    GuardedRequest,
    GuardedSupportWorkflow,
    TicketRouterWorkflow,
)
from shared._views.replay import replay

REFUND_TICKET = "I paid for A-1001 but the blender arrived broken. Please refund it."
TWO_PART_TICKET = "A billing and a technical question: why was I charged twice for A-2002, and why is Checkout slow?"
CALM_TICKET = REFUND_TICKET  # a refund that stops no one using the product
URGENT_TICKET = "Payments are failing at Checkout: a technical problem, and nobody can pay."
CARD_TICKET = "I paid for A-1001 with card 4111 1111 1111 1111, but the blender arrived broken. Please refund it."
MISSING_HANDOFF = shared.ModelFault(missing_handoff=True)
CHAIN_TICKET = "Payments fail at Checkout, so order A-1001 never shipped. Check the service and refund the order."


@pytest.fixture(scope="module")
async def team(conn) -> AsyncIterator[str]:
    """A Worker in this process for notebook 07's and 08's Workflows, on a Task Queue of its own."""
    task_queue = f"test-team-{uuid.uuid4().hex[:8]}"
    workflows = [*support_team.WORKFLOWS, *guarded_team.WORKFLOWS]
    worker = await shared.start_worker(
        conn.client, task_queue=task_queue, workflows=workflows, activities=guarded_team.ACTIVITIES
    )
    yield task_queue
    await worker.stop()


async def start(conn, team: str, workflow: Any, arg: Any, fault: shared.ModelFault | None = None) -> WorkflowHandle:
    """Start a run on the team's queue, with ``fault`` injected into its model calls if given."""
    workflow_id = f"{team}-{uuid.uuid4().hex[:8]}"
    if fault is not None:
        shared.inject_model_fault(workflow_id, fault)
    return await conn.client.start_workflow(workflow, arg, id=workflow_id, task_queue=team)


def rows(table: shared.HistoryTable) -> list[tuple[str, str]]:
    return [(s.kind, s.name) for s in table.steps]


async def test_a_handoff_passes_control_for_good_and_the_table_names_each_agent(conn, team):
    handle = await start(conn, team, SupportTeamWorkflow.run, SupportRequest(REFUND_TICKET))
    reply = await handle.result()
    table = await shared.history_table(handle)
    assert reply.answered_by == "Refund Specialist"
    assert rows(table) == [
        ("model call", "Triage"),
        ("model call", "Refund Specialist"),
        ("tool", "issue_refund"),
        ("model call", "Refund Specialist"),
    ]
    assert table.steps[0].result == "call transfer_to_refund_specialist()"
    assert f"key {handle.id}/A-1001" in reply.answer


async def test_a_manager_with_agents_as_tools_keeps_control(conn, team):
    handle = await start(conn, team, SupportTeamWorkflow.run, SupportRequest(TWO_PART_TICKET, "agents_as_tools"))
    reply = await handle.result()
    table = await shared.history_table(handle)
    assert reply.answered_by == "Support Manager"
    # Two specialists consulted, yet the manager made only two model calls: it asked for both in one reply.
    assert rows(table) == [
        ("model call", "Support Manager"),
        ("model call", "Billing Specialist"),
        ("model call", "Technical Specialist"),
        ("model call", "Support Manager"),
    ]


async def test_a_fan_out_runs_agents_and_one_replys_tool_calls_at_the_same_time(conn, team):
    request = IncidentRequest("Acme", ["Checkout", "Login", "Search"], "A-3003", tool_seconds=1.0)
    handle = await start(conn, team, IncidentReviewWorkflow.run, request, shared.ModelFault(delay_s=0.5))
    report = await handle.result()
    assert list(report.findings) == ["Technical Specialist", "Billing Specialist", "Refund Specialist"]
    assert "Checkout: degraded" in report.findings["Technical Specialist"]

    table = await shared.history_table(handle)
    assert table.count("model call", "Technical Specialist") == 2  # one reply asked for all three checks
    assert table.count("tool", "service_status") == 3

    picture = await shared.timeline(handle)
    bars = picture.timeline.bars

    def overlap(group: list) -> bool:
        return max(b.started for b in group) < min(b.closed for b in group)

    first_model_calls = [b for b in bars if b.kind == "model call"][:3]
    assert overlap(first_model_calls), "the three agents' first model calls should run at the same time"
    assert overlap([b for b in bars if b.name == "service_status"]), "one reply's three tool calls run at once"
    assert picture.timeline.most_at_once() == 4
    assert "up to 4 at once" in repr(picture)
    assert picture._repr_png_().startswith(b"\x89PNG")

    outcome = await replay(await handle.fetch_history(), IncidentReviewWorkflow)
    assert outcome.ok, outcome.message


async def test_workflow_code_branches_on_the_structured_output(conn, team):
    calm = await start(conn, team, TicketRouterWorkflow.run, CALM_TICKET)
    urgent = await start(conn, team, TicketRouterWorkflow.run, URGENT_TICKET)
    calm_result, urgent_result = await calm.result(), await urgent.result()
    assert (calm_result.category, calm_result.urgent, calm_result.handled_by) == ("refund", False, "Refund Specialist")
    assert (urgent_result.category, urgent_result.urgent, urgent_result.handled_by) == (
        "technical",
        True,
        "Technical Specialist",
    )
    assert (await shared.history_table(calm)).count("tool", "page_on_call") == 0
    assert (await shared.history_table(urgent)).count("tool", "page_on_call") == 1
    for handle in (calm, urgent):
        outcome = await replay(await handle.fetch_history(), TicketRouterWorkflow)
        assert outcome.ok, outcome.message


async def test_guardrails_pass_a_clean_ticket_and_block_a_card_number_before_any_model(conn, team):
    clean = await start(conn, team, GuardedSupportWorkflow.run, GuardedRequest(REFUND_TICKET))
    carded = await start(conn, team, GuardedSupportWorkflow.run, GuardedRequest(CARD_TICKET))
    answered, blocked = await clean.result(), await carded.result()
    assert answered.status == "answered" and "Refund issued for order A-1001" in answered.text
    assert rows(await shared.history_table(clean))[-1] == ("model call", "Policy Checker")
    assert (blocked.status, blocked.guardrail) == ("blocked", "no_card_numbers")
    assert "card number" in blocked.text
    assert (await shared.history_table(carded)).steps == [], "nothing may reach a model or a tool"


async def failure_of(handle: WorkflowHandle) -> ApplicationError:
    with pytest.raises(WorkflowFailureError) as caught:
        await handle.result()
    cause = caught.value.cause
    assert isinstance(cause, ApplicationError)
    return cause


@pytest.mark.parametrize(
    ("workflow", "request_"),
    [
        (SupportTeamWorkflow, SupportRequest(REFUND_TICKET)),
        (GuardedSupportWorkflow, GuardedRequest(REFUND_TICKET)),
    ],
    ids=["team", "guarded team"],
)
async def test_a_handoff_to_an_agent_that_does_not_exist_fails_once_and_clearly(conn, team, workflow, request_):
    handle = await start(conn, team, workflow.run, request_, MISSING_HANDOFF)
    failure = await failure_of(handle)
    assert failure.type == "ModelBehaviorError" and failure.non_retryable
    assert failure.message == (
        "The model misbehaved in agent Triage: Tool transfer_to_missing_agent not found in agent Triage"
    )
    assert rows(await shared.history_table(handle)) == [("model call", "Triage"), ("workflow", workflow.__name__)]


async def workflow_task_attempt_reaches(handle: WorkflowHandle, attempt: int, timeout: float = 20.0) -> bool:
    """Whether the Workflow's pending Workflow Task reaches ``attempt`` within ``timeout`` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if (await handle.describe()).raw_description.pending_workflow_task.attempt >= attempt:
            return True
        await asyncio.sleep(0.1)
    return False


@pytest.mark.parametrize(
    ("ticket", "fault", "message", "model_calls"),
    [
        (CARD_TICKET, None, "Guardrail InputGuardrail triggered tripwire", []),
        (REFUND_TICKET, MISSING_HANDOFF, "Tool transfer_to_missing_agent not found in agent Triage", ["Triage"]),
    ],
    ids=["tripped guardrail", "missing handoff"],
)
async def test_without_the_catch_the_workflow_task_fails_again_and_again(
    conn, team, ticket, fault, message, model_calls
):
    handle = await start(conn, team, GuardedSupportWorkflow.run, GuardedRequest(ticket, catch=False), fault)
    failure = await shared.first_workflow_task_failure(handle)
    assert failure.message == message
    assert await workflow_task_attempt_reaches(handle, 2), "Temporal retries the failed Workflow Task"
    assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING
    table = await shared.history_table(handle)
    # Each retry of the Workflow Task replays the recorded reply: the model is never asked again.
    model_steps = [(s.name, s.attempt) for s in table.steps if s.kind != "workflow task"]
    assert model_steps == [(name, 1) for name in model_calls]
    await handle.terminate("test done: the run would retry its Workflow Task forever")


async def test_output_that_does_not_fit_the_type_is_not_retried_but_a_failed_model_call_is(conn, team):
    fault = shared.ModelFault(fail_first_attempt=True, off_schema_answer=True)
    handle = await start(conn, team, TicketRouterWorkflow.run, CALM_TICKET, fault)
    failure = await failure_of(handle)
    assert failure.non_retryable
    assert failure.message.startswith("The model misbehaved in agent Classifier: ")
    assert failure.message.endswith("(it must fit TicketTriage)")
    table = await shared.history_table(handle)
    assert [(s.kind, s.name, s.attempt) for s in table.steps] == [
        ("model call", "Classifier", 2),
        ("workflow", "TicketRouterWorkflow", None),
    ]


async def test_a_sigkill_between_two_specialists_loses_nothing_and_repeats_nothing(conn, task_queue):
    first = await shared.start_worker_process(
        "recipes.nb07_teams_of_agents.support_team", task_queue=task_queue, name=f"{task_queue}-1"
    )
    request = EscalationRequest(CHAIN_TICKET, "A-1001", refund_seconds=3.0)
    handle = await conn.client.start_workflow(
        EscalationWorkflow.run, request, id=f"chain-{task_queue}", task_queue=task_queue
    )
    running = await shared.wait_for_activity(handle, "issue_refund")
    assert running.worker == first.identity
    await first.kill()
    second = await shared.start_worker_process(
        "recipes.nb07_teams_of_agents.support_team", task_queue=task_queue, name=f"{task_queue}-2"
    )
    try:
        diagnosis, refund = await handle.result()
    finally:
        await second.stop()
    assert "Checkout: degraded" in diagnosis
    assert f"Refund issued for order A-1001 (key {handle.id}/A-1001)" in refund

    table = await shared.history_table(handle)
    assert rows(table) == [
        ("model call", "Technical Specialist"),
        ("tool", "service_status"),
        ("model call", "Technical Specialist"),
        ("model call", "Refund Specialist"),
        ("tool", "issue_refund"),
        ("model call", "Refund Specialist"),
    ]
    # Specialist 1 and specialist 2's first model call finished on worker 1 and never ran again.
    assert all((s.worker, s.attempt) == (first.identity, 1) for s in table.steps[:4])
    refund_step = table.steps[4]
    assert (refund_step.worker, refund_step.attempt) == (second.identity, 2)
    assert table.steps[5].worker == second.identity
