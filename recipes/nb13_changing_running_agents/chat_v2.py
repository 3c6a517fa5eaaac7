"""Version 2 of notebook 13's travel chat: a new tool, new instructions, and a new step before each turn.

Same Workflow type name, ``TravelChat``, as a real deployment of new code has.
What changed since version 1:

* a new tool, ``suggest_packing`` (an Activity);
* new instructions, which name it;
* before each turn, the Activity ``look_up_profile`` of notebook 05 fetches
  the traveller's preferences for the instructions.

The first two alone would not break a chat in flight: on replay, the model's
past answers come from the Event History, not from the model. The third does:
version 1's history says a turn starts with a model call, version 2's code
schedules ``look_up_profile`` first. That is a nondeterminism error.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow
from temporalio.openai_agents.workflow import activity_as_tool

from recipes.nb01_durable_agent.weather_agent import get_weather
from recipes.nb05_testing_durable_agents.chat_agent_v2 import look_up_profile
from recipes.nb13_changing_running_agents.chat_v1 import ChatInput, TravelChat

with workflow.unsafe.imports_passed_through():
    from agents import Agent

CODE_VERSION = "v2"
INSTRUCTIONS = (
    "You are a travel assistant. Use get_weather for any question about the weather "
    "and suggest_packing when the traveller asks what to pack."
)


@activity.defn
async def suggest_packing(city: str) -> str:
    """Suggest what to pack for a trip to a city."""
    return f"For {city}: a light rain jacket and comfortable shoes."


@workflow.defn(name="TravelChat")
class TravelChatV2(TravelChat):
    """Version 2: the traveller's profile before each turn, and a packing tool."""

    @workflow.init
    def __init__(self, chat: ChatInput) -> None:
        super().__init__(chat)
        self._profile = ""

    @workflow.run
    async def run(self, chat: ChatInput) -> int:
        """Version 1's loop."""
        return await super().run(chat)

    @workflow.query
    def code_version(self) -> str:
        """Which code runs this chat: the answering Worker's module."""
        return CODE_VERSION

    async def _before_turn(self, message: str) -> None:
        self._profile = await workflow.execute_activity(
            look_up_profile, message, start_to_close_timeout=timedelta(seconds=10)
        )

    def _agent(self) -> Agent:
        tools = [
            activity_as_tool(get_weather, start_to_close_timeout=timedelta(seconds=10)),
            activity_as_tool(suggest_packing, start_to_close_timeout=timedelta(seconds=10)),
        ]
        return Agent(name="Travel Assistant", instructions=f"{INSTRUCTIONS} {self._profile}", tools=tools)


WORKFLOWS = [TravelChatV2]
ACTIVITIES = [get_weather, look_up_profile, suggest_packing]
