"""Notebook 08's exercises: every solution does what its exercise asks, and no unedited starter does.

The MCP exercises run their module as a real stdio MCP server process; the
streaming exercise runs on the real embedded server with a real subscriber.
"""

from __future__ import annotations

import functools
import importlib
import uuid

import pytest

from recipes.inventory_agent import ShopAssistantWorkflow, ShopRequest
from recipes.inventory_worker import MODEL_PARAMS, inventory_over_stdio
from recipes.streaming_agent import MODEL_PARAMS as STREAMING_PARAMS
from recipes.streaming_agent import STREAM_TOPIC
from shared import Connection, HistoryTable, history_table, setup, start_worker, stream_reply

SERVERS = {
    f"{package}-{exercise}": functools.partial(inventory_over_stdio, module=f"recipes.{package}.ex08_{exercise}")
    for package in ("solutions", "exercises")
    for exercise in ("mcp_tool", "mcp_validation")
}


@pytest.fixture(scope="module")
async def shop(conn: Connection) -> Connection:
    """A client whose plugin knows every exercise's MCP server (each one a stdio process)."""
    return await setup(model_params=MODEL_PARAMS, mcp_servers=SERVERS, quiet=True)


async def ask(shop: Connection, server: str, prompt: str) -> tuple[str, HistoryTable]:
    task_queue = f"ex08-{uuid.uuid4().hex[:8]}"
    worker = await start_worker(shop.client, task_queue=task_queue, workflows=[ShopAssistantWorkflow])
    handle = await shop.client.start_workflow(
        ShopAssistantWorkflow.run, ShopRequest(prompt, server), id=task_queue, task_queue=task_queue
    )
    answer = await handle.result()
    await worker.stop()
    return answer, await history_table(handle)


async def check_restock_tool(shop: Connection, package: str) -> None:
    answer, table = await ask(shop, f"{package}-mcp_tool", "Restock 5 units of Tent.")
    assert answer == "(offline model) Restocked 5 Tent; 9 in stock.", f"no restock: {answer}"
    assert table.steps[0].result == "3 tools: check_stock, reserve_item, restock_item"


async def check_reservation_limit(shop: Connection, package: str) -> None:
    answer, table = await ask(shop, f"{package}-mcp_validation", "Reserve 8 units of Lantern.")
    call = next(s for s in table.steps if s.kind == "mcp call")
    assert call.name == "reserve_item(item='Lantern', quantity=8)"
    assert call.result.startswith("error: 1 validation error"), "refused by the input validator"
    assert call.attempt == 1, "a refusal is a result, not a failure: never retried"
    assert "less than or equal to 5" in answer


async def check_two_streamed_replies(conn: Connection, package: str) -> None:
    module = importlib.import_module(f"recipes.{package}.ex08_stream_two_agents")
    client = (await setup(model_params=STREAMING_PARAMS, quiet=True)).client
    task_queue = f"ex08-{uuid.uuid4().hex[:8]}"
    worker = await start_worker(client, task_queue=task_queue, workflows=[module.PlanAndPackWorkflow])
    handle = await client.start_workflow(
        module.PlanAndPackWorkflow.run, "Plan a night by the river", id=task_queue, task_queue=task_queue
    )
    reply = await stream_reply(client, handle, topic=STREAM_TOPIC, echo=False)
    result = await handle.result()
    await worker.stop()
    streamed = [r.text for r in reply.responses if r.completed]
    assert len(streamed) == 2, f"both replies stream; the subscriber saw {len(streamed)}"
    assert reply.text == result


@pytest.mark.parametrize(
    ("check", "starter_fails_with"),
    [(check_restock_tool, "no restock"), (check_reservation_limit, "refused by the input validator")],
)
async def test_mcp_solutions_pass_and_starters_do_not(shop: Connection, check, starter_fails_with: str) -> None:
    await check(shop, "solutions")
    with pytest.raises(AssertionError, match=starter_fails_with):
        await check(shop, "exercises")


async def test_streaming_solution_passes_and_starter_does_not(conn: Connection) -> None:
    await check_two_streamed_replies(conn, "solutions")
    with pytest.raises(AssertionError, match="the subscriber saw 1"):
        await check_two_streamed_replies(conn, "exercises")
