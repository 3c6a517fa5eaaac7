"""Exercise 08.1: give the inventory MCP server a third tool, ``restock_item``.

The shop gets deliveries. Add a tool the agent can call for "Restock 5 units
of Tent." Run this module the way the inventory server runs
(``python -m recipes.exercises.ex08_mcp_tool``); the Workflow does not change,
because the agent finds tools in the server's tool list.

Check your work with ``make exercises NB=08``.
"""

from __future__ import annotations

from recipes.nb08_mcp_and_streaming.inventory_mcp import inventory, main, stock  # noqa: F401 (the tool you add needs them)

# TODO: add a tool with `@inventory.tool()`: `restock_item(item: str, quantity: int) -> str`.
#       Its docstring becomes the tool's description, which the model reads.
#       It finds the shop's name for the item with `stock.find(item)`, adds `quantity`
#       to `stock.counts[name]`, calls `stock.save()`, and returns, for example,
#       "Restocked 5 Tent; 9 in stock".


if __name__ == "__main__":
    main()
