"""Two later versions of the chat Workflow, for the replay lesson of notebook 05.

Both keep the Workflow type name ``ChatAgentWorkflow``, as a real deployment
of new code would. Both add one step before each turn: an Activity that looks
up the user's profile, scheduled before the model call that used to come first.

* ``ChatAgentWorkflowV2`` adds it unconditionally. Replaying a history recorded
  by the first version fails: the history says "model call", the code says
  "look up the profile". That is a nondeterminism error.
* ``ChatAgentWorkflowPatched`` adds it behind ``workflow.patched``: runs that
  started on the old code keep the old path on replay, new runs take the new one.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow

from recipes.nb04_long_running_agents.chat_agent import ChatAgentWorkflow, ChatInput, ChatSummary

PATCH_ID = "look-up-profile-before-each-turn"


@activity.defn
async def look_up_profile(message: str) -> str:
    """Look up the user's travel preferences (a fixed answer in this cookbook)."""
    return "Prefers trains, travels light."


@workflow.defn(name="ChatAgentWorkflow")
class ChatAgentWorkflowV2(ChatAgentWorkflow):
    """Version 2, deployed carelessly: a new Activity before the first model call of each turn."""

    @workflow.run
    async def run(self, chat: ChatInput) -> ChatSummary:
        """Same loop as version 1."""
        return await super().run(chat)

    async def _before_turn(self, message: str) -> None:
        await workflow.execute_activity(look_up_profile, message, start_to_close_timeout=timedelta(seconds=10))


@workflow.defn(name="ChatAgentWorkflow")
class ChatAgentWorkflowPatched(ChatAgentWorkflow):
    """Version 2, deployed safely: the new Activity only runs in histories that have the patch marker."""

    @workflow.run
    async def run(self, chat: ChatInput) -> ChatSummary:
        """Same loop as version 1."""
        return await super().run(chat)

    async def _before_turn(self, message: str) -> None:
        if workflow.patched(PATCH_ID):
            await workflow.execute_activity(look_up_profile, message, start_to_close_timeout=timedelta(seconds=10))


ACTIVITIES = [look_up_profile]
