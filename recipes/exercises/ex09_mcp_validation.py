"""Exercise 09.3: an MCP tool whose input the server's validator refuses.

A customer may reserve at most ``MAX_PER_ORDER`` of an item at once. Put that
limit where the server's input validator enforces it, in the type of
``quantity``, so that "Reserve 8 units of Lantern." is refused before the tool
runs and nothing leaves the shelf. Then look at the history table: is the
refused call retried?

Check your work with ``make exercises NB=09``.
"""

from __future__ import annotations

from recipes.nb09_mcp_and_streaming import inventory_mcp
from recipes.nb09_mcp_and_streaming.inventory_mcp import inventory, main

MAX_PER_ORDER = 5

inventory.remove_tool("reserve_item")


@inventory.tool()
async def reserve_item(item: str, quantity: int) -> str:
    """Reserve a quantity of an item for a customer, at most five per order."""
    # TODO: let the server's input validator enforce MAX_PER_ORDER. Look at how `reserve_item` in
    #       recipes/nb09_mcp_and_streaming/inventory_mcp.py gives `quantity` its lower bound.
    return await inventory_mcp.reserve_item(item, quantity)


if __name__ == "__main__":
    main()
