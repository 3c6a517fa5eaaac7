"""Notebook 01's exercises: edit the TODOs, then run ``make exercises NB=01``.

1. Predict the history of a three-city prompt: fill in ``EXPECTED_MODEL_CALLS``
   and ``EXPECTED_TOOL_CALLS`` before you run it.
2. Give the agent a second Activity tool, ``get_local_time``.
3. Run the Worker "cell" several times and count the Workers polling the queue.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.openai_agents.workflow import activity_as_tool

from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow, get_weather  # noqa: F401 (exercise 3 needs it)

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner

    from shared import running_workers, start_worker  # noqa: F401 (exercise 3 needs them)

# Exercise 1: the prompt, and your prediction of what its Event History holds (with the offline model).
THREE_CITIES_PROMPT = "What's the weather in Lima, Paris and Tokyo?"
EXPECTED_MODEL_CALLS: int | None = None  # TODO: how many model calls?
EXPECTED_TOOL_CALLS: int | None = None  # TODO: how many get_weather calls?

UTC_OFFSETS = {"lima": -5, "paris": 1, "tokyo": 9}


@activity.defn
async def get_local_time(city: str) -> str:
    """Get the local time zone of a city (exercise 2's second tool)."""
    # TODO: return f"{city} is on UTC{offset:+d}", with the offset from UTC_OFFSETS (0 for a city not listed).
    raise NotImplementedError("exercise 2: replace this line with your code")


@workflow.defn
class WeatherAndTimeWorkflow:
    """Exercise 2: the weather agent with a second Activity tool."""

    @workflow.run
    async def run(self, prompt: str) -> str:
        """Answer with whichever tools the prompt needs."""
        timeout = timedelta(seconds=10)
        agent = Agent(
            name="Weather and Time Assistant",
            instructions="You are helpful. Use the tools for weather and local time questions.",
            tools=[
                activity_as_tool(get_weather, start_to_close_timeout=timeout),
                # TODO: add get_local_time as a second tool, the same way.
            ],
        )
        result = await Runner.run(agent, prompt)
        return result.final_output


WORKFLOWS = [WeatherAndTimeWorkflow]
ACTIVITIES = [get_weather]  # TODO: a Worker runs only the Activities it is given: add get_local_time.


async def rerun_worker_cell(client: Client, task_queue: str, times: int) -> int:
    """Exercise 3: start the weather Worker ``times`` times, as re-running the cell does; return how many poll."""
    # TODO: call start_worker(client, task_queue=task_queue, workflows=[WeatherAgentWorkflow],
    #       activities=[get_weather]) `times` times, then count the running_workers() on task_queue.
    raise NotImplementedError("exercise 3: replace this line with your code")
