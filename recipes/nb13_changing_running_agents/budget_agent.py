"""Notebook 13's reset lesson: a trip-budget agent whose tool has a bug.

The model answers with a tool call, ``trip_budget(city="Lima", nights=3)``;
the tool looks the city up in a table keyed by lower-case names, but it uses
the model's spelling as it came. "Lima" is not "lima", so the rate is 0 and
the agent reports a stay that costs nothing. The bug is in the tool's code,
whatever the model: ``budget_agent_fixed`` has the fix.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.openai_agents.workflow import activity_as_tool

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner

NIGHTLY_RATES_EUR = {"lima": 95, "tokyo": 140, "paris": 160}


@activity.defn
async def trip_budget(city: str, nights: int) -> str:
    """Estimate the hotel cost of a stay in a city."""
    rate = NIGHTLY_RATES_EUR.get(city, 0)  # the bug: the model writes "Lima", the table has "lima"
    return f"{nights} nights in {city}: {nights} x {rate} EUR = {nights * rate} EUR"


@workflow.defn
class TripBudgetWorkflow:
    """A one-shot agent that prices a stay with its one tool."""

    @workflow.run
    async def run(self, request: str) -> str:
        """Answer the request, calling ``trip_budget`` as the model asks."""
        agent = Agent(
            name="Budget Assistant",
            instructions="Use trip_budget to price any stay the traveller asks about.",
            tools=[activity_as_tool(trip_budget, start_to_close_timeout=timedelta(seconds=10))],
        )
        result = await Runner.run(agent, request)
        return str(result.final_output)


WORKFLOWS = [TripBudgetWorkflow]
ACTIVITIES = [trip_budget]
