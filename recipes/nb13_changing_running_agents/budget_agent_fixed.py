"""The trip-budget agent with its tool fixed: the same Workflow, the tool reads the city in any case."""

from __future__ import annotations

from temporalio import activity

from recipes.nb13_changing_running_agents.budget_agent import NIGHTLY_RATES_EUR, WORKFLOWS


@activity.defn(name="trip_budget")
async def trip_budget_fixed(city: str, nights: int) -> str:
    """Estimate the hotel cost of a stay in a city."""
    rate = NIGHTLY_RATES_EUR.get(city.strip().lower())
    if rate is None:
        return f"No rate known for {city}."
    return f"{nights} nights in {city}: {nights} x {rate} EUR = {nights * rate} EUR"


ACTIVITIES = [trip_budget_fixed]

__all__ = ["ACTIVITIES", "WORKFLOWS", "trip_budget_fixed"]
