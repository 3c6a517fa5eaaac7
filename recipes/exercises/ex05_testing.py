"""Notebook 05's exercises: edit the TODOs, then run ``make exercises NB=05``.

1. ``scripted_two_city_weather``: a ``TestModel`` script for "Weather in Lima
   and Tokyo?". It starts with Lima only.
2. ``ChatAgentWorkflowV3``: retire the patch. It starts as a copy of the
   patched version 2.
"""

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
            # TODO: a second get_weather call, for Tokyo, with a call_id of its own.
            ResponseBuilders.output_message(
                "Lima is overcast."
            ),  # TODO: answer for both: "Lima is overcast; Tokyo is sunny."
        ]
    )


@workflow.defn(name="ChatAgentWorkflow")
class ChatAgentWorkflowV3(ChatAgentWorkflow):
    """Exercise 2: once no run from before the patch is left, retire it with ``deprecate_patch``."""

    @workflow.run
    async def run(self, chat: ChatInput) -> ChatSummary:
        """Same loop as version 1."""
        return await super().run(chat)

    async def _before_turn(self, message: str) -> None:
        # TODO: the patch is retired: call workflow.deprecate_patch(PATCH_ID) and look up the profile every time.
        if workflow.patched(PATCH_ID):
            await workflow.execute_activity(look_up_profile, message, start_to_close_timeout=timedelta(seconds=10))
