"""The agent that ``make bench`` and notebook 06 time: notebook 01's weather agent, with a fixed number of steps.

A step is one model call or one tool call. For "What's the weather in Lima,
Paris and Tokyo?" the agent makes 4 model calls and 3 tool calls: 7 steps.
``parallel_tool_calls=False`` keeps it at 7: a model allowed to call tools in
parallel asks for all three cities in one reply (2 model calls + 3 tool calls).

The same agent runs two ways, so that the difference is what durability costs:

* ``BenchAgentWorkflow``: inside a Workflow, the tool as an Activity and each
  model call as an Activity (or a Local Activity, as the plugin is told);
* ``run_plain``: plain ``Runner.run`` in this process, the tool as a plain
  function tool, nothing recorded anywhere.

The module has no side effects on import, so the Workflow sandbox can re-import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.openai_agents.workflow import activity_as_tool

from recipes.nb01_durable_agent.weather_agent import get_weather

with workflow.unsafe.imports_passed_through():
    from agents import Agent, ModelProvider, ModelSettings, RunConfig, Runner, Tool, function_tool

TASK_QUEUE = "bench-agent"

PROMPT = "What's the weather in Lima, Paris and Tokyo?"

STEPS = 7
"""Model calls plus tool calls for ``PROMPT``: 4 + 3."""


def weather_agent(tool: Tool) -> Agent:
    """The weather agent with one tool, asking for one tool call per model reply."""
    return Agent(
        name="Weather Assistant",
        instructions="You are helpful. Use get_weather for any question about the weather.",
        tools=[tool],
        model_settings=ModelSettings(parallel_tool_calls=False),
    )


@dataclass
class BenchRequest:
    """What to ask, and whether the tool runs as a Local Activity."""

    prompt: str = PROMPT
    local_tool: bool = False


@function_tool(name_override="get_weather")
async def get_weather_locally(city: str) -> str:
    """Get the current weather for a city."""
    return await workflow.execute_local_activity(get_weather, city, start_to_close_timeout=timedelta(seconds=10))


@workflow.defn
class BenchAgentWorkflow:
    """The weather agent as a durable Workflow: every step is recorded in the Event History."""

    @workflow.run
    async def run(self, request: BenchRequest) -> str:
        """Answer the prompt; the plugin runs each model call as an Activity (or a Local Activity)."""
        if request.local_tool:
            tool = get_weather_locally
        else:
            tool = activity_as_tool(get_weather, start_to_close_timeout=timedelta(seconds=10))
        result = await Runner.run(weather_agent(tool), request.prompt)
        return result.final_output


async def run_plain(prompt: str, model_provider: ModelProvider) -> tuple[str, int]:
    """Run the same agent with plain ``Runner.run``: no Temporal. Return the answer and its step count."""
    agent = weather_agent(function_tool(get_weather))
    config = RunConfig(model_provider=model_provider, tracing_disabled=True)
    result = await Runner.run(agent, prompt, run_config=config)
    tool_calls = sum(1 for item in result.new_items if item.type == "tool_call_output_item")
    return result.final_output, len(result.raw_responses) + tool_calls


WORKFLOWS = [BenchAgentWorkflow]
ACTIVITIES = [get_weather]
