"""A shop assistant whose tools come from the inventory MCP server, durably: the Workflow side.

The Workflow names a server with ``temporal_mcp_server(name)``; it holds no
connection. A Worker registers a factory under that name (see
``recipes.nb09_mcp_and_streaming.inventory_worker``), and every MCP operation, listing the tools
and calling one, runs as an Activity on the Worker: it is retried when it
fails, and recorded in the Event History when it succeeds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from agents import Agent, Runner
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.openai_agents.workflow import temporal_mcp_server
from temporalio.workflow import ActivityConfig

MCP_ACTIVITY = ActivityConfig(
    start_to_close_timeout=timedelta(seconds=10),
    # Three attempts, five seconds apart: time for a crashed server to come back (it starts in about a
    # second, more on a busy machine), and a clear failure after about ten seconds if it does not.
    retry_policy=RetryPolicy(initial_interval=timedelta(seconds=5), backoff_coefficient=1.0, maximum_attempts=3),
)
"""How each MCP operation runs: its timeout and a bounded retry policy (the default retries forever)."""


@dataclass
class ShopRequest:
    """What the customer asks, and which registered MCP server the assistant uses."""

    prompt: str
    server: str = "inventory"


@workflow.defn
class ShopAssistantWorkflow:
    """An agent whose tools are whatever the MCP server lists."""

    @workflow.run
    async def run(self, request: ShopRequest) -> str:
        """Answer the customer with the server's tools; each MCP operation is an Activity."""
        agent = Agent(
            name="Shop assistant",
            instructions="You help customers of a camping shop. Use the inventory tools; never guess stock.",
            mcp_servers=[temporal_mcp_server(request.server, activity_config=MCP_ACTIVITY)],
        )
        result = await Runner.run(agent, request.prompt)
        return result.final_output
