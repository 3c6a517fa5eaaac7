"""A small, real MCP server: a camping shop's stock, which an agent can check and reserve.

It is written with the ``mcp`` package (``MCPServer``, the SDK's high-level
server, called FastMCP before mcp 2.0) and runs in one of two ways:

* over stdio, ``python -m recipes.nb09_mcp_and_streaming.inventory_mcp``: an MCP client starts it as
  its own child process and talks to it through stdin and stdout. The stock
  lives in the process, so it starts fresh with every process;
* as a long-lived service over Streamable HTTP,
  ``python -m recipes.nb09_mcp_and_streaming.inventory_mcp --port 8765 --data stock.json``: it keeps
  its stock in the JSON file, so a restarted server carries on where the last
  one stopped, and prints ``ready <url>`` once it accepts connections.

It imports nothing from the cookbook, so it starts in about a second.
Over stdio it exits when its client goes away (its stdin closes); over HTTP
``shared.start_service`` ties it to the kernel that started it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Annotated

import uvicorn
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

STARTING_STOCK = {"Lantern": 12, "Tent": 4, "Stove": 7}
RESERVE_SECONDS = 1.0
"""How long a reservation takes: the shop's warehouse system is slow (long enough to crash the server mid-call)."""


class Stock:
    """Item counts, in memory or kept in a JSON file that survives a restart."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.counts = dict(STARTING_STOCK)

    def keep_in(self, path: Path) -> None:
        """Keep the counts in ``path`` from now on, starting from what it holds if it exists."""
        self.path = path
        if path.exists():
            self.counts = json.loads(path.read_text())
        self.save()

    def find(self, item: str) -> str:
        """The shop's own spelling of ``item`` ("lanterns" -> "Lantern"), or a ``ToolError`` listing what it stocks."""
        wanted = item.strip().lower().removesuffix("s")
        for name in self.counts:
            if name.lower() == wanted:
                return name
        raise ToolError(f"The shop has no {item!r}; it stocks {', '.join(self.counts)}.")

    def take(self, name: str, quantity: int) -> int:
        """Take ``quantity`` of ``name`` off the shelf and return what is left."""
        if quantity > self.counts[name]:
            raise ToolError(f"Only {self.counts[name]} {name} in stock, cannot reserve {quantity}.")
        self.counts[name] -= quantity
        self.save()
        return self.counts[name]

    def save(self) -> None:
        """Write the counts to the file, if there is one, atomically (a crash never leaves half a file)."""
        if self.path is not None:
            partial = self.path.with_suffix(".tmp")
            partial.write_text(json.dumps(self.counts))
            os.replace(partial, self.path)


stock = Stock()
# WARNING, not the SDK's INFO: it configures the root logger of any process that imports this module, and at
# INFO a notebook kernel that imports it prints a line for every HTTP request its model client makes.
inventory = MCPServer(
    "inventory", instructions="A camping shop's stock: check it, and reserve items.", log_level="WARNING"
)


@inventory.tool()
def check_stock(item: str) -> str:
    """How many of an item the shop has in stock."""
    name = stock.find(item)
    return f"{name}: {stock.counts[name]} in stock"


@inventory.tool()
async def reserve_item(item: str, quantity: Annotated[int, Field(ge=1)]) -> str:
    """Reserve a quantity of an item for a customer; it leaves the shelf."""
    name = stock.find(item)
    await asyncio.sleep(RESERVE_SECONDS)  # the warehouse system thinks; nothing is written yet
    left = stock.take(name, quantity)
    return f"Reserved {quantity} {name}; {left} left"


async def serve_http(server: MCPServer, port: int) -> None:
    """Serve Streamable HTTP on loopback, and say ``ready <url>`` once connections are accepted."""
    app = server.streamable_http_app(host="127.0.0.1")
    web = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(web.serve())
    while not web.started:
        if serving.done():  # the port is taken, or the app failed to start
            await serving
            sys.exit(f"the MCP server could not listen on port {port}")
        await asyncio.sleep(0.01)
    print(f"ready http://127.0.0.1:{port}/mcp", flush=True)
    await serving


def main(server: MCPServer = inventory) -> None:
    """Run ``server`` over stdio, or over HTTP with ``--port``; the command line of every inventory server."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, help="serve Streamable HTTP on 127.0.0.1:PORT instead of stdio")
    parser.add_argument("--data", type=Path, help="keep the stock in this JSON file")
    args = parser.parse_args()
    if args.data is not None:
        stock.keep_in(args.data)
    if args.port is None:
        server.run("stdio")
    else:
        asyncio.run(serve_http(server, args.port))


if __name__ == "__main__":
    main()
