"""Solutions to the exercises of notebook 07 (teams of agents).

1. ``shipping_specialist`` and ``TeamWithShippingWorkflow``: a fourth
   specialist, with a tool Activity, that the Triage agent can hand off to.
2. ``TolerantIncidentReviewWorkflow``: the fan-out keeps what the other agents
   found when one of them fails, and reports the failure.
3. ``ReviewedSupportWorkflow``: when the input guardrail trips, a human
   decides through an Update (notebook 03's pattern) instead of the run
   ending blocked.

``tests/test_exercises_07.py`` checks these, and the starters in
``recipes/exercises/ex07_teams.py``, the same way.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from agents import Agent, InputGuardrailTripwireTriggered, RunConfig, function_tool

from recipes.nb03_human_approval.approval_agent import Decision
from recipes.nb07_teams_of_agents import support_team
from recipes.nb07_teams_of_agents.support_team import (
    CARD_NUMBER,
    IncidentReport,
    IncidentRequest,
    SupportOutcome,
    TeamReply,
    guardrails,
    incident_assignments,
    run_agent,
    specialists,
    triage_agent,
    within_policy,
)

WAITING = "waiting for review"


# ---------------------------------------------------------------- exercise 1


@activity.defn
async def track_parcel(order_id: str) -> str:
    """Ask the carrier where an order's parcel is."""
    return f"Parcel for order {order_id} is at the Lima depot, out for delivery tomorrow"


def shipping_specialist() -> Agent:
    """Exercise 1: a specialist for deliveries, whose tool is the ``track_parcel`` Activity."""

    @function_tool(name_override="track_parcel")
    async def track_parcel_tool(order_id: str) -> str:
        """Find out where the parcel of one order is, e.g. A-4004."""
        return await workflow.execute_activity(track_parcel, order_id, start_to_close_timeout=timedelta(seconds=10))

    return Agent(
        name="Shipping Specialist",
        instructions="You handle shipping and deliveries. Track the parcel of the order in the ticket, then answer.",
        tools=[track_parcel_tool],
    )


@workflow.defn
class TeamWithShippingWorkflow:
    """Exercise 1: the handoff team, with a Shipping Specialist added."""

    @workflow.run
    async def run(self, ticket: str) -> TeamReply:
        """Let the Triage agent hand the ticket to one of four specialists."""
        team = [*specialists(), shipping_specialist()]
        result = await run_agent(triage_agent(team), ticket)
        return TeamReply(result.final_output, result.last_agent.name)


# ---------------------------------------------------------------- exercise 2


def root_cause(error: BaseException) -> str:
    """The innermost message of a chain of errors (Temporal's ``.cause``, or Python's ``__cause__``)."""
    while (cause := getattr(error, "cause", None) or error.__cause__) is not None:
        error = cause
    return str(error)


@workflow.defn
class TolerantIncidentReviewWorkflow:
    """Exercise 2: one failing agent no longer fails the whole review."""

    @workflow.run
    async def run(self, request: IncidentRequest) -> IncidentReport:
        """Run the agents at once; keep every finding, and say which agent failed and why."""
        assignments = incident_assignments(request)
        results = await asyncio.gather(
            *(run_agent(agent, prompt) for agent, prompt in assignments), return_exceptions=True
        )
        findings = {}
        for (agent, _), result in zip(assignments, results, strict=True):
            if isinstance(result, asyncio.CancelledError):
                raise result  # the Workflow itself is being cancelled: never swallow that
            findings[agent.name] = (
                f"failed: {root_cause(result)}" if isinstance(result, BaseException) else result.final_output
            )
        return IncidentReport(findings)


# ---------------------------------------------------------------- exercise 3


@workflow.defn
class ReviewedSupportWorkflow:
    """Exercise 3: a tripped input guardrail asks a human, by Update, instead of ending the run."""

    @workflow.init
    def __init__(self, ticket: str) -> None:
        self.decision: Decision | None = None
        self._status = "working"

    @workflow.run
    async def run(self, ticket: str) -> SupportOutcome:
        """Answer; if the ticket holds a card number, wait for a reviewer and go on without it, or stop."""
        try:
            result = await run_agent(triage_agent(specialists()), ticket, run_config=guardrails())
            return SupportOutcome("answered", result.final_output)
        except InputGuardrailTripwireTriggered as trip:
            guardrail = trip.guardrail_result.guardrail.get_name()
        self._status = WAITING
        await workflow.wait_condition(lambda: self.decision is not None)
        assert self.decision is not None
        decision = self.decision
        self._status = "working" if decision.approved else "done"
        if not decision.approved:
            return SupportOutcome("blocked", f"{decision.reviewer} rejected it: {decision.comment}", guardrail)
        redacted = CARD_NUMBER.sub("[card number removed]", ticket)
        result = await run_agent(
            triage_agent(specialists()), redacted, run_config=RunConfig(output_guardrails=[within_policy])
        )
        self._status = "done"
        return SupportOutcome("answered", result.final_output)

    @workflow.update
    def review(self, decision: Decision) -> str:
        """A reviewer decides: approved sends the ticket on with the card number removed."""
        self.decision = decision
        return "Sent on without the card number." if decision.approved else "Stopped."

    @review.validator
    def check_review(self, decision: Decision) -> None:
        """Only one decision, and only while a ticket waits for one; a rejection says why."""
        if self._status != WAITING or self.decision is not None:
            raise ValueError(f"Nothing to review: the run is {self._status}.")
        if not decision.approved and not decision.comment.strip():
            raise ValueError("A rejection needs a comment saying why.")

    @workflow.query
    def status(self) -> str:
        """``working``, ``waiting for review`` or ``done``."""
        return self._status


WORKFLOWS = [TeamWithShippingWorkflow, TolerantIncidentReviewWorkflow, ReviewedSupportWorkflow]
ACTIVITIES = [*support_team.ACTIVITIES, track_parcel]
