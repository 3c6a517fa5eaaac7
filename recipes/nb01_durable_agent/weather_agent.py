"""The integration guide's weather agent, made to run: a tool that is a Temporal Activity.

The guide is Temporal's "durable agent with tools"
(https://docs.temporal.io/ai-cookbook/durable-agent-with-tools, announced at
https://temporal.io/blog/announcing-openai-agents-sdk-integration); notebook 01
lists what its code gets wrong.

Notebook 01 shows this file. It has no side effects on import, so the
Workflow sandbox can re-import it to check that the Workflow is deterministic.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.openai_agents.workflow import activity_as_tool

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner

TASK_QUEUE = "weather-agent"

FORECASTS = {"tokyo": "Sunny, 22 °C", "lima": "Overcast, 18 °C", "paris": "Light rain, 14 °C"}


@activity.defn
async def get_weather(city: str) -> str:
    """Get the current weather for a city."""
    forecast = FORECASTS.get(city.strip().lower(), "Clear skies, 20 °C")
    return f"Weather in {city}: {forecast}"


@workflow.defn
class WeatherAgentWorkflow:
    """An agent whose one tool runs as an Activity; each model call runs as an Activity too."""

    @workflow.run
    async def run(self, prompt: str) -> str:
        """Answer the prompt, calling the weather tool as often as the model asks."""
        agent = Agent(
            name="Weather Assistant",
            instructions="You are helpful. Use get_weather for any question about the weather.",
            tools=[activity_as_tool(get_weather, start_to_close_timeout=timedelta(seconds=10))],
        )
        result = await Runner.run(agent, prompt)
        return result.final_output


WORKFLOWS = [WeatherAgentWorkflow]
ACTIVITIES = [get_weather]
