"""A chat turn with the Agents SDK's own memory, a ``Session``, instead of Workflow state (notebook 04).

``Runner.run(agent, message, session=SQLiteSession(...))`` loads the earlier
turns from a SQLite database before the model call and stores the new ones
after it. Inside a Workflow that is I/O a replay cannot repeat, so the OpenAI
Agents plugin refuses it before any model call: the Workflow Task fails with
``ValueError: Temporal workflows don't support SQLite sessions.``
``recipes/nb04_long_running_agents/chat_agent.py`` keeps the conversation in Workflow state instead.
"""

from __future__ import annotations

from temporalio import workflow

from recipes.nb04_long_running_agents.chat_agent import INSTRUCTIONS

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner, SQLiteSession


@workflow.defn
class SessionChatWorkflow:
    """One chat turn whose memory is a ``SQLiteSession``: the way that does not work in a Workflow."""

    @workflow.run
    async def run(self, message: str) -> str:
        """Run the agent with a session; the plugin refuses the session before the model is called."""
        agent = Agent(name="Travel Assistant", instructions=INSTRUCTIONS)
        result = await Runner.run(agent, message, session=SQLiteSession("chat-42"))
        return str(result.final_output)


WORKFLOWS = [SessionChatWorkflow]
ACTIVITIES: list = []
