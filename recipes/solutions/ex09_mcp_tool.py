"""Exercise 09.1, solved: the inventory MCP server with a third tool, ``restock_item``.

Run it the way the inventory server runs (``python -m recipes.solutions.ex09_mcp_tool``).
The Workflow does not change: the agent finds the new tool in the server's tool list.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from recipes.nb09_mcp_and_streaming.inventory_mcp import inventory, main, stock


@inventory.tool()
def restock_item(item: str, quantity: Annotated[int, Field(ge=1)]) -> str:
    """Put a quantity of an item back on the shelf."""
    name = stock.find(item)
    stock.counts[name] += quantity
    stock.save()
    return f"Restocked {quantity} {name}; {stock.counts[name]} in stock"


if __name__ == "__main__":
    main()
