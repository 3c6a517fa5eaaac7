"""Exercise 09.1: give the inventory MCP server a third tool, ``restock_item``.

The shop gets deliveries. Add a tool the agent can call for "Restock 5 units
of Tent." Run this module the way the inventory server runs
(``python -m recipes.exercises.ex09_mcp_tool``); the Workflow does not change,
because the agent finds tools in the server's tool list.

Check your work with ``make exercises NB=09``.
"""

from __future__ import annotations

from recipes.nb09_mcp_and_streaming.inventory_mcp import inventory, main, stock  # noqa: F401 (the tool you add needs them)

# TODO: add a tool `restock_item(item: str, quantity: int) -> str` that puts `quantity` of an item back on
#       the shelf, saves the stock, and says how many are now in stock. Model it on `reserve_item` and the
#       `Stock` class in recipes/nb09_mcp_and_streaming/inventory_mcp.py.


if __name__ == "__main__":
    main()
