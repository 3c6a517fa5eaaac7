"""MCP tools in a Workflow, against the real inventory MCP server process and the real embedded Temporal server.

Proves: listing the tools and each tool call are Activities recorded in the
Event History with their arguments; a stdio server is the Worker's child and
goes when the Worker stops; a killed HTTP server makes the call fail and
retry, and the retry succeeds once the server is back, reserving once; a
killed Worker resumes on another without calling a finished tool again; a
server that is down for good fails the run after a bounded number of attempts
with a clear message, and so does a Worker that lacks the server's URL.
"""

from __future__ import annotations

import json
import os
import stat
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import WorkflowFailureError

from recipes.nb09_mcp_and_streaming.inventory_agent import ShopAssistantWorkflow, ShopRequest
from recipes.nb09_mcp_and_streaming.inventory_worker import MCP_SERVERS, MODEL_PARAMS, URL_VARIABLE
from shared import (
    STATE_DIR,
    Connection,
    ModelFault,
    ServiceProcess,
    free_port,
    history_table,
    inject_model_fault,
    setup,
    start_service,
    start_worker,
    start_worker_process,
    wait_for_activity,
)
from tests.processes import children_running, wait_gone

CALL_TOOL = "temporalio.mcp.inventory.call-tool"


@pytest.fixture(scope="module")
async def shop(conn: Connection) -> Connection:
    """A client whose plugin knows the inventory MCP servers (on the session's dev server)."""
    return await setup(model_params=MODEL_PARAMS, mcp_servers=MCP_SERVERS, quiet=True)


@pytest.fixture(scope="module")
async def inventory(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[ServiceProcess]:
    """The inventory MCP server over HTTP, keeping its stock in a file; Workers find it through the environment."""
    data = tmp_path_factory.mktemp("inventory") / "stock.json"
    service = await start_service(
        "recipes.nb09_mcp_and_streaming.inventory_mcp",
        "--port",
        str(free_port()),
        "--data",
        str(data),
        name="test-inventory",
    )
    os.environ[URL_VARIABLE] = service.address
    yield service
    del os.environ[URL_VARIABLE]
    await service.stop()


def stock_in(service: ServiceProcess) -> dict[str, int]:
    """What the server's own file says is on the shelf."""
    return json.loads(Path(service.args[service.args.index("--data") + 1]).read_text())


async def start(
    shop: Connection, prompt: str, task_queue: str, server: str = "inventory", fault: ModelFault | None = None
):
    """Start the shop assistant, with ``fault`` injected into its model calls if given."""
    workflow_id = f"shop-{uuid.uuid4().hex[:8]}"
    if fault is not None:
        inject_model_fault(workflow_id, fault)
    return await shop.client.start_workflow(
        ShopAssistantWorkflow.run, ShopRequest(prompt, server), id=workflow_id, task_queue=task_queue
    )


async def test_stdio_tools_are_listed_and_called_as_activities(shop: Connection, task_queue: str) -> None:
    worker = await start_worker(shop.client, task_queue=task_queue, workflows=[ShopAssistantWorkflow])
    handle = await start(shop, "Check the stock of Lantern and Tent.", task_queue, server="inventory-stdio")
    assert await handle.result() == "(offline model) Lantern: 12 in stock. Tent: 4 in stock."

    table = await history_table(handle)
    assert [(s.kind, s.name, s.result) for s in table.steps if s.kind.startswith("mcp")] == [
        ("mcp list", "inventory-stdio", "2 tools: check_stock, reserve_item"),
        ("mcp call", "check_stock(item='Lantern')", "Lantern: 12 in stock"),
        ("mcp call", "check_stock(item='Tent')", "Tent: 4 in stock"),
    ]
    # The Worker started the stdio server as its own child, and stopping the Worker ends it.
    servers = children_running(os.getpid(), "recipes.nb09_mcp_and_streaming.inventory_mcp")
    assert len(servers) == 1
    log = STATE_DIR / f"mcp-stdio-{os.getpid()}.log"  # the server's stderr, which may hold what a tool was given
    assert stat.S_IMODE(log.stat().st_mode) == 0o600, f"{log.name} may be read by others"
    await worker.stop()
    assert not await wait_gone(servers)


async def test_the_event_history_records_the_tool_list_and_the_arguments(shop: Connection, task_queue: str) -> None:
    worker = await start_worker(shop.client, task_queue=task_queue, workflows=[ShopAssistantWorkflow])
    handle = await start(shop, "Check the stock of Stove.", task_queue, server="inventory-stdio")
    await handle.result()
    await worker.stop()
    recorded = " ".join(
        payload.data.decode()
        for event in (await handle.fetch_history()).events
        for field in ("activity_task_scheduled_event_attributes", "activity_task_completed_event_attributes")
        if event.HasField(field)
        for payload in getattr(getattr(event, field), "input" if "scheduled" in field else "result").payloads
    )
    assert '"inputSchema"' in recorded or '"input_schema"' in recorded, "the tool list, schemas included"
    assert '"arguments":{"item":"Stove"}' in recorded.replace(" ", ""), "the call's arguments"
    assert "Stove: 7 in stock" in recorded, "the tool's result"


async def test_a_killed_http_server_is_retried_until_it_is_back(
    shop: Connection, inventory: ServiceProcess, task_queue: str
) -> None:
    worker = await start_worker(shop.client, task_queue=task_queue, workflows=[ShopAssistantWorkflow])
    before = stock_in(inventory)["Lantern"]
    handle = await start(shop, "Reserve 2 units of Lantern.", task_queue)
    await wait_for_activity(handle, CALL_TOOL)
    old_pid = inventory.pid
    assert await inventory.kill()
    await inventory.restart()
    assert inventory.pid != old_pid

    assert await handle.result() == f"(offline model) Reserved 2 Lantern; {before - 2} left."
    reserve = next(s for s in (await history_table(handle)).steps if s.name.startswith("reserve_item"))
    assert reserve.attempt is not None and reserve.attempt >= 2, "attempt 1 died with the server"
    assert stock_in(inventory)["Lantern"] == before - 2, "reserved once, by the retry"
    await worker.stop()


async def test_a_killed_worker_resumes_without_calling_a_finished_tool_again(
    shop: Connection, inventory: ServiceProcess, task_queue: str
) -> None:
    first = await start_worker_process(
        "recipes.nb09_mcp_and_streaming.inventory_worker", task_queue=task_queue, name="test-shop-1"
    )
    before = stock_in(inventory)["Tent"]
    handle = await start(shop, "Reserve 1 unit of Tent.", task_queue, fault=ModelFault(delay_s=0.5))
    await wait_for_activity(handle, CALL_TOOL)
    await wait_for_activity(handle, "invoke_model_activity")  # the answer after the tool call
    await first.kill()
    second = await start_worker_process(
        "recipes.nb09_mcp_and_streaming.inventory_worker", task_queue=task_queue, name="test-shop-2"
    )

    assert await handle.result() == f"(offline model) Reserved 1 Tent; {before - 1} left."
    table = await history_table(handle)
    reserve = next(s for s in table.steps if s.name.startswith("reserve_item"))
    assert (reserve.attempt, reserve.worker) == (1, first.identity)
    assert (table.steps[-1].attempt, table.steps[-1].worker) == (2, second.identity)
    assert stock_in(inventory)["Tent"] == before - 1, "the finished reservation was not made again"
    await second.stop()


async def test_a_server_down_for_good_fails_the_run_after_three_attempts(
    shop: Connection, task_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(URL_VARIABLE, f"http://127.0.0.1:{free_port()}/mcp")  # nothing listens there
    worker = await start_worker(shop.client, task_queue=task_queue, workflows=[ShopAssistantWorkflow])
    started = time.monotonic()
    handle = await start(shop, "Check the stock of Stove.", task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    elapsed = time.monotonic() - started
    await worker.stop()

    cause = failure.value.cause.cause  # WorkflowFailureError -> ActivityError -> the MCP client's error
    assert "Failed to connect to MCP server 'inventory'" in str(cause)
    assert [(s.kind, s.attempt) for s in (await history_table(handle)).steps] == [("mcp list", 3), ("workflow", None)]
    assert 9 < elapsed < 30, "two 5-second retry waits, then a clear failure"


async def test_a_worker_without_the_url_says_so_once(
    shop: Connection, task_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(URL_VARIABLE, raising=False)
    worker = await start_worker(shop.client, task_queue=task_queue, workflows=[ShopAssistantWorkflow])
    handle = await start(shop, "Check the stock of Stove.", task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    await worker.stop()
    assert str(failure.value.cause.cause) == "INVENTORY_MCP_URL is not set on this Worker."
    assert [(s.kind, s.attempt) for s in (await history_table(handle)).steps] == [("mcp list", 1), ("workflow", None)]
