"""Exercises of notebook 07 (teams of agents). Edit the three TODOs, then check your work.

Check from a terminal (it starts its own Temporal server and Worker, so your
edits take effect every time you run it)::

    make exercises NB=07

1. Add a specialist: a Shipping Specialist with the ``track_parcel`` tool,
   that the Triage agent can hand a delivery ticket to.
2. Make the fan-out tolerate one failing branch: when one agent of the
   incident review fails, keep what the others found and report the failure.
3. A guardrail that asks a human: when the card-number guardrail trips, wait
   for a reviewer's decision through the ``review`` Update (notebook 03's
   pattern) instead of ending the run blocked.

The solutions are in ``recipes/solutions/ex07_teams.py``; try first.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta  # noqa: F401 (you will need it)

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from agents import Agent, InputGuardrailTripwireTriggered, function_tool  # noqa: F401 (you will need them)

from recipes.nb03_human_approval.approval_agent import Decision
from recipes.nb07_teams_of_agents import support_team
from recipes.nb07_teams_of_agents.support_team import (
    IncidentReport,
    IncidentRequest,
    SupportOutcome,
    TeamReply,
    guardrails,
    incident_assignments,
    run_agent,
    specialists,
    triage_agent,
)

WAITING = "waiting for review"


# ---------------------------------------------------------------- exercise 1


@activity.defn
async def track_parcel(order_id: str) -> str:
    """Ask the carrier where an order's parcel is."""
    return f"Parcel for order {order_id} is at the Lima depot, out for delivery tomorrow"


def shipping_specialist() -> Agent:
    """Exercise 1: a specialist for deliveries, whose tool is the ``track_parcel`` Activity."""
    # TODO 1a: name the agent so the Triage agent can tell it handles shipping, write its instructions,
    # and give it a tool that runs the track_parcel Activity (see refund_specialist in
    # recipes/nb07_teams_of_agents/support_team.py).
    return Agent(name="TODO", instructions="TODO")


@workflow.defn
class TeamWithShippingWorkflow:
    """Exercise 1: the handoff team, with a Shipping Specialist added."""

    @workflow.run
    async def run(self, ticket: str) -> TeamReply:
        """Let the Triage agent hand the ticket to one of the specialists."""
        team = specialists()  # TODO 1b: add shipping_specialist() to the team
        result = await run_agent(triage_agent(team), ticket)
        return TeamReply(result.final_output, result.last_agent.name)


# ---------------------------------------------------------------- exercise 2


@workflow.defn
class TolerantIncidentReviewWorkflow:
    """Exercise 2: one failing agent should not fail the whole review."""

    @workflow.run
    async def run(self, request: IncidentRequest) -> IncidentReport:
        """Run the agents at once and collect what each found."""
        assignments = incident_assignments(request)
        # TODO 2: today one failing agent fails the whole review. Keep the others' findings, and for the
        # agent that failed write "failed: <why>" (its error's innermost cause). Never swallow a cancellation.
        results = await asyncio.gather(*(run_agent(agent, prompt) for agent, prompt in assignments))
        findings = zip(assignments, results, strict=True)
        return IncidentReport({agent.name: result.final_output for (agent, _), result in findings})


# ---------------------------------------------------------------- exercise 3


@workflow.defn
class ReviewedSupportWorkflow:
    """Exercise 3: a tripped input guardrail should ask a human instead of ending the run."""

    @workflow.init
    def __init__(self, ticket: str) -> None:
        self.decision: Decision | None = None
        self._status = "working"

    @workflow.run
    async def run(self, ticket: str) -> SupportOutcome:
        """Answer the ticket, or stop if it holds a card number."""
        try:
            result = await run_agent(triage_agent(specialists()), ticket, run_config=guardrails())
            return SupportOutcome("answered", result.final_output)
        except InputGuardrailTripwireTriggered as trip:
            guardrail = trip.guardrail_result.guardrail.get_name()
        # TODO 3a: instead of stopping, set self._status = WAITING and wait (workflow.wait_condition) for
        # the review Update. If approved, run the team again on the ticket with the card number removed
        # (CARD_NUMBER in recipes.nb07_teams_of_agents.support_team); if rejected, return a "blocked" outcome
        # whose text carries the reviewer's comment, and keep the guardrail's name.
        return SupportOutcome("blocked", "The ticket contains a card number.", guardrail)

    @workflow.update
    def review(self, decision: Decision) -> str:
        """A reviewer decides whether the ticket goes on without its card number."""
        # TODO 3b: record the decision and return a short confirmation. Add a validator (notebook 03's
        # approval Workflow has one) that refuses a rejection without a comment saying why, and a decision
        # when no ticket is waiting for one.
        return "TODO"

    @workflow.query
    def status(self) -> str:
        """``working``, ``waiting for review`` or ``done``."""
        return self._status


WORKFLOWS = [TeamWithShippingWorkflow, TolerantIncidentReviewWorkflow, ReviewedSupportWorkflow]
ACTIVITIES = [*support_team.ACTIVITIES, track_parcel]
