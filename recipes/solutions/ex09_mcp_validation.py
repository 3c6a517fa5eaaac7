"""Exercise 09.3, solved: a reservation limit that the server's input validator enforces.

The limit is part of ``quantity``'s type, so it is in the tool's input schema:
the model sees it in the tool list, and the server refuses a call outside it
before the tool runs. The refusal is a tool result flagged as an error, not a
failed Activity, so Temporal does not retry it and the agent reads why.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from recipes.nb09_mcp_and_streaming import inventory_mcp
from recipes.nb09_mcp_and_streaming.inventory_mcp import inventory, main

MAX_PER_ORDER = 5

inventory.remove_tool("reserve_item")


@inventory.tool()
async def reserve_item(item: str, quantity: Annotated[int, Field(ge=1, le=MAX_PER_ORDER)]) -> str:
    """Reserve a quantity of an item for a customer, at most five per order."""
    return await inventory_mcp.reserve_item(item, quantity)


if __name__ == "__main__":
    main()
