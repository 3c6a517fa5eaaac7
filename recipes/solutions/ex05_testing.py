"""Solutions to notebook 05's exercises: a scripted two-city turn, and retiring a patch."""

from __future__ import annotations

import json
from datetime import timedelta

from temporalio import workflow

from recipes.nb04_long_running_agents.chat_agent import ChatAgentWorkflow, ChatInput, ChatSummary
from recipes.nb05_testing_durable_agents.chat_agent_v2 import PATCH_ID, look_up_profile

with workflow.unsafe.imports_passed_through():
    from temporalio.openai_agents.testing import ResponseBuilders, TestModel


def scripted_two_city_weather() -> TestModel:
    """Exercise 1: the model asks for Lima, then Tokyo (each call with its own call id), then answers."""
    return TestModel.returning_responses(
        [
            ResponseBuilders.tool_call(json.dumps({"city": "Lima"}), "get_weather", call_id="call_lima"),
            ResponseBuilders.tool_call(json.dumps({"city": "Tokyo"}), "get_weather", call_id="call_tokyo"),
            ResponseBuilders.output_message("Lima is overcast; Tokyo is sunny."),
        ]
    )


@workflow.defn(name="ChatAgentWorkflow")
class ChatAgentWorkflowV3(ChatAgentWorkflow):
    """Exercise 2: once no run from before the patch is left, retire it with ``deprecate_patch``.

    Histories recorded by the patched version (they carry the patch marker)
    still replay; histories from version 1, which have no marker, no longer do.
    """

    @workflow.run
    async def run(self, chat: ChatInput) -> ChatSummary:
        """Same loop as version 1."""
        return await super().run(chat)

    async def _before_turn(self, message: str) -> None:
        workflow.deprecate_patch(PATCH_ID)
        await workflow.execute_activity(look_up_profile, message, start_to_close_timeout=timedelta(seconds=10))
