"""Refuse plain ``def`` tools in a Workflow with one clear line, before the model sees an empty error.

The Agents SDK runs a plain ``def`` ``@function_tool`` through
``asyncio.to_thread``. A Workflow's event loop starts no threads, so inside a
Workflow every call of such a tool fails, and the model is told only "An error
occurred while running the tool. Please try again. Error: " with nothing after
it. Each Worker's agent runner is wrapped in ``RefuseSyncTools``, which checks
the agents of a run before its first model call and fails the run with what to
change instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from agents import Agent, FunctionTool
from agents.run import AgentRunner
from temporalio import workflow
from temporalio.exceptions import ApplicationError

SYNC_TOOL_MARKER = "__agents_sync_function_tool__"
"""What the Agents SDK sets on the invoker of a tool made from a plain ``def``."""


def agents_of(agent: Agent[Any], seen: set[int] | None = None) -> Iterator[Agent[Any]]:
    """The agent and every agent it can hand off to, each once."""
    seen = set() if seen is None else seen
    if id(agent) in seen:
        return
    seen.add(id(agent))
    yield agent
    for handoff in agent.handoffs:
        if isinstance(handoff, Agent):
            yield from agents_of(handoff, seen)


def refuse_sync_tools(agent: Agent[Any]) -> None:
    """In a Workflow, fail the run with one line naming the first plain ``def`` tool of its agents."""
    if not workflow.in_workflow():
        return  # outside a Workflow the SDK's thread works
    for each in agents_of(agent):
        for tool in each.tools:
            if isinstance(tool, FunctionTool) and getattr(tool.on_invoke_tool, SYNC_TOOL_MARKER, False):
                raise ApplicationError(
                    f"Tool {tool.name!r} of agent {each.name!r} is a plain def, which cannot run in a Workflow "
                    "(the Agents SDK runs it on a thread): make it `async def`, or do its work in an Activity "
                    "with activity_as_tool.",
                    type="SyncToolInWorkflow",
                    non_retryable=True,
                )


class RefuseSyncTools(AgentRunner):
    """An agent runner that checks a run's tools, then lets the runner it wraps do the run."""

    def __init__(self, inner: AgentRunner) -> None:
        self._inner = inner

    async def run(self, starting_agent: Agent[Any], input: Any, **kwargs: Any) -> Any:
        """Check, then ``Runner.run``."""
        refuse_sync_tools(starting_agent)
        return await self._inner.run(starting_agent, input, **kwargs)

    def run_sync(self, starting_agent: Agent[Any], input: Any, **kwargs: Any) -> Any:
        """Check, then ``Runner.run_sync``."""
        refuse_sync_tools(starting_agent)
        return self._inner.run_sync(starting_agent, input, **kwargs)

    def run_streamed(self, starting_agent: Agent[Any], input: Any, **kwargs: Any) -> Any:
        """Check, then ``Runner.run_streamed``."""
        refuse_sync_tools(starting_agent)
        return self._inner.run_streamed(starting_agent, input, **kwargs)
