"""Exercises of notebook 07 (teams of agents). Edit the TODOs, then check your work.

Check from a terminal (it starts its own Temporal server and Worker, so your
edits take effect every time you run it)::

    make exercises NB=07

1. Add a specialist: a Shipping Specialist with the ``track_parcel`` tool,
   that the Triage agent can hand a delivery ticket to.
2. Make the fan-out tolerate one failing branch: when one agent of the
   incident review fails, keep what the others found and report the failure.

The solutions are in ``recipes/solutions/ex07_teams.py``; try first.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta  # noqa: F401 (you will need it)

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from agents import Agent, function_tool  # noqa: F401 (you will need them)

from recipes.nb07_teams_of_agents import support_team
from recipes.nb07_teams_of_agents.support_team import (
    IncidentReport,
    IncidentRequest,
    TeamReply,
    incident_assignments,
    run_agent,
    specialists,
    triage_agent,
)

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


WORKFLOWS = [TeamWithShippingWorkflow, TolerantIncidentReviewWorkflow]
ACTIVITIES = [*support_team.ACTIVITIES, track_parcel]
