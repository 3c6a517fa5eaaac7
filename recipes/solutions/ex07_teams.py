"""Solutions to the exercises of notebook 07 (teams of agents).

1. ``shipping_specialist`` and ``TeamWithShippingWorkflow``: a fourth
   specialist, with a tool Activity, that the Triage agent can hand off to.
2. ``TolerantIncidentReviewWorkflow``: the fan-out keeps what the other agents
   found when one of them fails, and reports the failure.

``tests/test_exercises_07.py`` checks these, and the starters in
``recipes/exercises/ex07_teams.py``, the same way.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import activity, workflow

with workflow.unsafe.imports_passed_through():
    from agents import Agent, function_tool

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


WORKFLOWS = [TeamWithShippingWorkflow, TolerantIncidentReviewWorkflow]
ACTIVITIES = [*support_team.ACTIVITIES, track_parcel]
