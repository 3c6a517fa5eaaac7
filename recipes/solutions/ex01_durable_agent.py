"""Solutions to notebook 01's exercises."""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.openai_agents.workflow import activity_as_tool

from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow, get_weather

with workflow.unsafe.imports_passed_through():
    # Passed through: the sandbox must not re-import the agents SDK or the notebook helpers.
    from agents import Agent, Runner

    from shared import running_workers, start_worker

# Exercise 1: three cities in one prompt. The model asks for all three weather calls in one reply
# (parallel tool calls, as real models usually do), then answers: 2 model calls, 3 tool calls.
# A real model may also ask one city at a time (up to 4 model calls); the tool still runs once per city.
THREE_CITIES_PROMPT = "What's the weather in Lima, Paris and Tokyo?"
EXPECTED_MODEL_CALLS = 2
EXPECTED_TOOL_CALLS = 3

UTC_OFFSETS = {"lima": -5, "paris": 1, "tokyo": 9}


@activity.defn
async def get_local_time(city: str) -> str:
    """Get the local time zone of a city (exercise 2's second tool)."""
    offset = UTC_OFFSETS.get(city.strip().lower(), 0)
    return f"{city} is on UTC{offset:+d}"


@workflow.defn
class WeatherAndTimeWorkflow:
    """Exercise 2: the same agent with a second Activity tool."""

    @workflow.run
    async def run(self, prompt: str) -> str:
        """Answer with whichever tools the prompt needs."""
        timeout = timedelta(seconds=10)
        agent = Agent(
            name="Weather and Time Assistant",
            instructions="You are helpful. Use the tools for weather and local time questions.",
            tools=[
                activity_as_tool(get_weather, start_to_close_timeout=timeout),
                activity_as_tool(get_local_time, start_to_close_timeout=timeout),
            ],
        )
        result = await Runner.run(agent, prompt)
        return result.final_output


WORKFLOWS = [WeatherAndTimeWorkflow]
ACTIVITIES = [get_weather, get_local_time]


async def rerun_worker_cell(client: Client, task_queue: str, times: int) -> int:
    """Exercise 3: run the worker cell several times; return how many workers poll the queue."""
    for _ in range(times):
        await start_worker(client, task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=[get_weather])
    return sum(1 for w in running_workers() if w.task_queue == task_queue)
