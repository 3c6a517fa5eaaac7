"""The Worker side of the shop assistant: how a Worker reaches the inventory MCP server.

The factories here run in Activities on the Worker, never in the Workflow.
Two serve the same server (``recipes.nb09_mcp_and_streaming.inventory_mcp``):

* ``inventory-stdio`` starts it as a child process of the Worker and talks
  over stdin and stdout. The Worker owns that process: nothing to deploy, but
  whatever the process keeps in memory lives only as long as the Worker's
  connection to it.
* ``inventory`` connects over Streamable HTTP to a long-lived server at the
  URL in ``INVENTORY_MCP_URL``. The URL (and any credential) is read here, on
  the Worker, so it never enters the Event History.
"""

from __future__ import annotations

import functools
import os
import sys
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from typing import Any, TextIO

from agents.mcp import MCPServerStdio, MCPServerStreamableHttp
from mcp import stdio_client
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents import ModelActivityParameters

from recipes.nb09_mcp_and_streaming.inventory_agent import ShopAssistantWorkflow
from shared import open_private_log

URL_VARIABLE = "INVENTORY_MCP_URL"

MODEL_PARAMS = ModelActivityParameters(
    start_to_close_timeout=timedelta(seconds=60),
    # The model Activity heartbeats on its own: a Worker that dies mid-call is noticed in 2 s.
    heartbeat_timeout=timedelta(seconds=2),
)


class StdioServerLoggingToFile(MCPServerStdio):
    """A stdio MCP server whose stderr (its log) goes to a file.

    By default the SDK hands the child this process's ``sys.stderr``, which in
    a Jupyter kernel run by nbval is a stream without a file descriptor, so
    the child cannot start. A log file works everywhere, and keeps the
    server's log out of the notebook's cells.
    """

    def create_streams(self) -> AbstractAsyncContextManager[Any]:
        """Start the server process with its stderr in the log file."""
        return stdio_client(self.params, errlog=_stdio_log())


@functools.cache
def _stdio_log() -> TextIO:
    return open_private_log(f"mcp-stdio-{os.getpid()}.log")  # stays open for the Worker's life


def inventory_over_stdio(*, module: str = "recipes.nb09_mcp_and_streaming.inventory_mcp") -> MCPServerStdio:
    """Start the server (or another ``module``) as the Worker's child process, talking over stdin and stdout."""
    params = {"command": sys.executable, "args": ["-m", module]}
    return StdioServerLoggingToFile(params=params, name="inventory-stdio")


def inventory_over_http() -> MCPServerStreamableHttp:
    """Connect to the long-lived server whose URL the Worker finds in ``INVENTORY_MCP_URL``."""
    url = os.environ.get(URL_VARIABLE)
    if not url:
        raise ApplicationError(f"{URL_VARIABLE} is not set on this Worker.", non_retryable=True)
    return MCPServerStreamableHttp(params={"url": url, "timeout": 5}, name="inventory")


MCP_SERVERS = {"inventory-stdio": inventory_over_stdio, "inventory": inventory_over_http}

# What a Worker process needs: ``python -m shared recipes.nb09_mcp_and_streaming.inventory_worker``.
WORKFLOWS = [ShopAssistantWorkflow]
SETUP_OPTIONS = {"model_params": MODEL_PARAMS, "mcp_servers": MCP_SERVERS}
