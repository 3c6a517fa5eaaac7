"""A tool whose Activity fails for good, built two ways: the agent run fails, or the model gets an error.

Notebook 02 runs both. The Activity is the research agent's ``query_archive``,
which raises a non-retryable ``ApplicationError``:

* ``activity_as_tool``: the tool's failure is the agent run's failure, so the
  Workflow fails (the plugin reports it as an ``AgentsWorkflowError``);
* a ``@function_tool`` whose body calls ``workflow.execute_activity``: the
  Agents SDK catches the failure and hands the model an error message instead,
  so the run completes. The message only says "Activity task failed".

``errors_as_results`` in ``recipes/nb02_crash_recovery/research_agent.py`` gives an
``activity_as_tool`` tool the second behaviour, with the cause in the message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from temporalio import workflow
from temporalio.openai_agents.workflow import activity_as_tool

from recipes.nb02_crash_recovery.research_agent import query_archive

with workflow.unsafe.imports_passed_through():
    from agents import Agent, FunctionTool, Runner, function_tool

TASK_QUEUE = "tool-failures"
TIMEOUT = timedelta(seconds=10)


@workflow.defn
class ArchiveLookupWorkflow:
    """Ask an agent to research a topic with one tool, ``query_archive``, built the chosen way."""

    @workflow.run
    async def run(self, tool_style: Literal["activity_as_tool", "function_tool"]) -> str:
        """Run the agent; a failure of the tool either fails this run or reaches the model."""
        agent = Agent(name="Archivist", instructions="Use query_archive.", tools=[self.archive_tool(tool_style)])
        result = await Runner.run(agent, "Research the history of Temporal.")
        return result.final_output

    def archive_tool(self, tool_style: str) -> FunctionTool:
        """The same Activity as a tool: through ``activity_as_tool``, or in a ``@function_tool`` of your own."""
        if tool_style == "activity_as_tool":
            return activity_as_tool(query_archive, start_to_close_timeout=TIMEOUT)

        @function_tool(name_override="query_archive")
        async def query_archive_tool(topic: str) -> str:
            """Query the paper archive about a topic."""
            return await workflow.execute_activity(query_archive, topic, start_to_close_timeout=TIMEOUT)

        return query_archive_tool


WORKFLOWS = [ArchiveLookupWorkflow]
ACTIVITIES = [query_archive]
