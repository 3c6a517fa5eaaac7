"""A fake tool for tests: an Activity registered under the real tool's name, with a canned answer (notebook 05).

The Workflow schedules Activities by name. ``activity_as_tool(get_weather)``
asks for an Activity called ``get_weather``, so a test Worker that hosts this
fake instead of the real one answers every weather call with it: no weather
service, no network, and an answer the test knows in advance. The arguments
must match the real Activity's, since the model's tool call is built from the
real function's signature.
"""

from __future__ import annotations

from temporalio import activity


@activity.defn(name="get_weather")
async def fake_get_weather(city: str) -> str:
    """Stand in for the weather service: always snow, and say that it is a fake."""
    return f"Weather in {city}: snow (fake)"


ACTIVITIES = [fake_get_weather]
