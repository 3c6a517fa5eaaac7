"""A customer-support team of agents, every step of it durable.

Notebook 07 runs the patterns people build once one agent is not enough:

* ``SupportTeamWorkflow`` with ``style="handoffs"``: a Triage agent hands the
  ticket off to the specialist who owns it (billing, technical, refunds);
  with ``style="agents_as_tools"`` a Support Manager calls the specialists as
  tools (``Agent.as_tool``) and keeps the conversation;
* ``IncidentReviewWorkflow``: several agents at once (``asyncio.gather`` over
  ``Runner.run``), one of which asks for several tool calls in one reply;
* ``EscalationWorkflow``: a chain of two specialists, built to be crashed in
  the middle.

Every model call is an Activity (the plugin does that) and every tool is one
too, so the Event History records which agent did what. When the model
misbehaves (a handoff to an agent that does not exist, an answer that does
not fit the output type), ``run_agent`` turns the SDK's error into one clear,
non-retryable failure; notebook 08 shows it, with structured output and
guardrails (``recipes.nb08_keeping_agents_in_bounds``).

The module has no side effects on import, so the Workflow sandbox can re-import it.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents import ModelActivityParameters

from recipes.nb02_crash_recovery.research_agent import (
    work_with_heartbeats,  # notebook 02's slow work: a crash is noticed fast
)

with workflow.unsafe.imports_passed_through():
    from agents import Agent, ModelBehaviorError, Runner, RunResult, function_tool

TASK_QUEUE = "support-team"

SERVICE_STATUS = {"Checkout": "degraded: payments time out", "Login": "operational", "Search": "operational"}
"""What the status page says about each service the team knows."""

MODEL_PARAMS = ModelActivityParameters(
    start_to_close_timeout=timedelta(seconds=30),
    # The model Activity heartbeats on its own, so a crash during a model call is noticed in 2 s.
    heartbeat_timeout=timedelta(seconds=2),
    retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=200)),
)
"""How model calls run as Activities in this module's worker processes."""

WORKER_OPTIONS = {"sticky_queue_schedule_to_start_timeout": timedelta(seconds=2)}
"""After a crash, offer the next Workflow Task to the dead worker's cache for 2 s, not 10 s."""

ORDER_ID = re.compile(r"A-\d{4}")
"""What an order id looks like ("A-1001"); the payment provider knows no other orders."""

TOOL_OPTIONS: dict[str, Any] = {
    "start_to_close_timeout": timedelta(seconds=30),
    "heartbeat_timeout": timedelta(seconds=2),
    "retry_policy": RetryPolicy(initial_interval=timedelta(milliseconds=200)),
}
"""How the tools' Activities run: a dead Worker is noticed within 2 s, and a failed attempt retried after 0.2 s."""


# ---------------------------------------------------------------- Activities


@dataclass
class RefundOrder:
    """Which order to refund, and how long the payment provider takes."""

    order_id: str
    seconds: float = 0.0


@activity.defn
async def issue_refund(order: RefundOrder) -> str:
    """Refund an order through the payment provider (a stand-in that knows orders A-0000 to A-9999).

    The idempotency key, the Workflow id plus the order id, is the same on every
    attempt. A real provider refunds a key once, so a retry after a crash cannot
    refund twice; this stand-in keeps no ledger, it only shows the key (notebook
    02's outbox shows exactly-once at work).
    """
    key = f"{activity.info().workflow_id}/{order.order_id}"
    await work_with_heartbeats(order.seconds)
    if not ORDER_ID.fullmatch(order.order_id):
        raise ApplicationError(f"no order called {order.order_id!r}", type="UnknownOrder", non_retryable=True)
    return f"Refund issued for order {order.order_id} (key {key})"


@dataclass
class ServiceCheck:
    """Which service to look up, and how long the status page takes to answer."""

    service: str
    seconds: float = 0.0


@activity.defn
async def service_status(check: ServiceCheck) -> str:
    """Look a service up on the status page. An unknown service is an error no retry can fix."""
    await work_with_heartbeats(check.seconds)
    name = next((known for known in SERVICE_STATUS if known.lower() == check.service.strip().lower()), None)
    if name is None:
        known = ", ".join(SERVICE_STATUS)
        raise ApplicationError(
            f"no service called {check.service!r} (known: {known})", type="UnknownService", non_retryable=True
        )
    return f"{name}: {SERVICE_STATUS[name]}"


# ---------------------------------------------------------------- the team


def billing_specialist() -> Agent:
    """Answers questions about invoices, payments and charges."""
    return Agent(
        name="Billing Specialist",
        instructions="You handle billing: invoices, payments and double charges. Answer in two sentences.",
    )


def technical_specialist(tool_seconds: float = 0.0) -> Agent:
    """Diagnoses errors and outages; checks the status page for each service the ticket names."""

    @function_tool(name_override="service_status")
    async def service_status_tool(service: str) -> str:
        """Look up the current status of one service, e.g. Checkout or Login."""
        return await workflow.execute_activity(service_status, ServiceCheck(service, tool_seconds), **TOOL_OPTIONS)

    return Agent(
        name="Technical Specialist",
        instructions=(
            "You diagnose errors and outages. Check the status of every service the ticket names, "
            "all at once, then say what is wrong in two sentences."
        ),
        tools=[service_status_tool],
    )


def refund_specialist(refund_seconds: float = 0.0) -> Agent:
    """Refunds orders, with a tool whose Activity talks to the payment provider."""

    # Money moves here, so a refund that fails for good fails the agent's run (failure_error_function=None)
    # instead of becoming a tool result the model might talk its way around.
    @function_tool(name_override="issue_refund", failure_error_function=None)
    async def issue_refund_tool(order_id: str) -> str:
        """Refund one order, e.g. A-1001."""
        return await workflow.execute_activity(issue_refund, RefundOrder(order_id, refund_seconds), **TOOL_OPTIONS)

    return Agent(
        name="Refund Specialist",
        instructions="You refund orders. Call issue_refund once for the order in the ticket, then confirm it.",
        tools=[issue_refund_tool],
    )


def specialists() -> list[Agent]:
    """The team: every specialist a ticket can be handed to."""
    return [billing_specialist(), technical_specialist(), refund_specialist()]


def triage_agent(team: list[Agent]) -> Agent:
    """The front desk: reads the ticket and hands it off. It never answers itself."""
    return Agent(
        name="Triage",
        instructions=(
            "You are the front desk of a support team. Do not answer the ticket yourself: hand it off to "
            "the one specialist who owns it (billing, technical problems, or refunds)."
        ),
        handoffs=team,
    )


def manager_agent(team: list[Agent]) -> Agent:
    """A manager who asks specialists for help as tools, then writes the reply itself."""
    return Agent(
        name="Support Manager",
        instructions=(
            "You answer support tickets. Ask each specialist whose area the ticket touches (you may ask "
            "several at once), then combine their answers into one reply."
        ),
        tools=[
            specialist.as_tool(
                tool_name=specialist.name.lower().replace(" ", "_"),
                tool_description=f"Ask the {specialist.name} about the part of the ticket they own.",
            )
            for specialist in team
        ],
    )


@dataclass
class TeamReply:
    """What the team answered, and which agent gave the final answer."""

    answer: str
    answered_by: str


async def run_agent(agent: Agent, prompt: str, **options: Any) -> RunResult:
    """``Runner.run``, with the model's misbehaviour turned into one clear, non-retryable failure.

    A ``ModelBehaviorError`` (a handoff or tool that does not exist, an answer
    that does not fit the output type) is raised in Workflow code, after the
    model Activity already succeeded. Left alone it fails the Workflow Task,
    and Temporal retries that task forever, replaying the same recorded reply.
    """
    try:
        return await Runner.run(agent, prompt, **options)
    except ModelBehaviorError as err:
        expected = f" (it must fit {agent.output_type.__name__})" if isinstance(agent.output_type, type) else ""
        raise ApplicationError(
            f"The model misbehaved in agent {agent.name}: {first_line(str(err))}{expected}",
            type="ModelBehaviorError",
            non_retryable=True,
        ) from None


def first_line(text: str, limit: int = 200) -> str:
    """The first line of an error message, cut to ``limit`` characters."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


@dataclass
class SupportRequest:
    """A ticket, and how the team works on it."""

    ticket: str
    style: Literal["handoffs", "agents_as_tools"] = "handoffs"


@workflow.defn
class SupportTeamWorkflow:
    """A team answers a ticket: by handoff from a Triage agent, or by a manager calling specialists as tools."""

    @workflow.run
    async def run(self, request: SupportRequest) -> TeamReply:
        """Run the front agent on the ticket and say who gave the final answer."""
        team = specialists()
        front = triage_agent(team) if request.style == "handoffs" else manager_agent(team)
        result = await run_agent(front, request.ticket)
        return TeamReply(result.final_output, result.last_agent.name)


# ---------------------------------------------------------------- parallel fan-out


@dataclass
class IncidentRequest:
    """An incident to review: who is affected, which services, which order to compensate."""

    customer: str
    services: list[str]
    order_id: str
    tool_seconds: float = 1.0
    """How long each tool Activity works, so the overlap is easy to see."""


@dataclass
class IncidentReport:
    """Each agent's finding, by agent name, in the order they were asked."""

    findings: dict[str, str] = field(default_factory=dict)


def in_words(names: list[str]) -> str:
    """["A", "B", "C"] -> "A, B and C"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def incident_assignments(request: IncidentRequest) -> list[tuple[Agent, str]]:
    """Which agent reviews which part of the incident, and what it is asked."""
    who, seconds = request.customer, request.tool_seconds
    return [
        (technical_specialist(seconds), f"Check the status of {in_words(request.services)}."),
        (billing_specialist(), f"Explain the billing impact of the outage for {who}."),
        (refund_specialist(seconds), f"Compensate {who} with a refund for {request.order_id}."),
    ]


@workflow.defn
class IncidentReviewWorkflow:
    """Three specialists review an incident at the same time; the report collects what each found."""

    @workflow.run
    async def run(self, request: IncidentRequest) -> IncidentReport:
        """Run the three agents at once and wait for all of them."""
        assignments = incident_assignments(request)
        results = await asyncio.gather(*(run_agent(agent, prompt) for agent, prompt in assignments))
        findings = zip(assignments, results, strict=True)
        return IncidentReport({agent.name: result.final_output for (agent, _), result in findings})


# ---------------------------------------------------------------- a chain to crash


@dataclass
class EscalationRequest:
    """A ticket that needs two specialists in turn: a diagnosis, then a refund."""

    ticket: str
    order_id: str
    refund_seconds: float = 3.0
    """How long the payment provider takes: the window in which notebook 07 crashes the worker."""


@workflow.defn
class EscalationWorkflow:
    """Specialist 1 diagnoses, then specialist 2 refunds: a chain of agents, each step in the Event History."""

    @workflow.run
    async def run(self, request: EscalationRequest) -> list[str]:
        """Run the Technical Specialist, then the Refund Specialist on its diagnosis."""
        diagnosis = (await run_agent(technical_specialist(), request.ticket)).final_output
        refund_prompt = f"Please refund order {request.order_id}. The diagnosis: {diagnosis}"
        refund = (await run_agent(refund_specialist(request.refund_seconds), refund_prompt)).final_output
        return [diagnosis, refund]


WORKFLOWS = [SupportTeamWorkflow, IncidentReviewWorkflow, EscalationWorkflow]
ACTIVITIES = [issue_refund, service_status]
SETUP_OPTIONS = {"model_params": MODEL_PARAMS}  # what a Worker process passes to shared.setup()
