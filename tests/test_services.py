"""Service processes (an MCP server, say): ready when they say so, one per name, restarted on the same address.

And in a real kernel: a kernel restart leaves none of notebook 08's processes
running, neither the HTTP MCP server, nor the Worker process, nor the stdio
MCP server the in-kernel Worker started, nor the dev server.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from shared import CookbookError, free_port, start_service
from tests.kernels import kernel
from tests.processes import pid_alive, wait_gone

ROOT = Path(__file__).resolve().parent.parent


async def test_a_service_is_ready_replaced_by_name_and_restarted_on_its_address() -> None:
    port = str(free_port())
    first = await start_service("recipes.inventory_mcp", "--port", port, name="test-service")
    assert first.alive and first.address == f"http://127.0.0.1:{port}/mcp"
    second = await start_service("recipes.inventory_mcp", "--port", port, name="test-service")
    assert not first.alive, "a second start under the same name replaces the first"
    old_pid = second.pid
    await second.restart()
    assert second.alive and second.pid != old_pid and second.address.endswith(f":{port}/mcp")
    assert await second.kill() and not await second.kill()
    await second.stop()


async def test_a_service_that_dies_during_start_up_says_why() -> None:
    with pytest.raises(CookbookError, match=r"recipes\.no_such_module exited during start-up .*No module named"):
        await start_service("recipes.no_such_module", name="test-broken")


async def test_a_kernel_restart_leaves_no_process_of_notebook_08_running(tmp_path: Path) -> None:
    cell = f"""
import os
from shared import setup, start_service, start_worker, start_worker_process, free_port
from recipes.inventory_agent import ShopAssistantWorkflow, ShopRequest
from recipes.inventory_worker import MCP_SERVERS, URL_VARIABLE
conn = await setup(mcp_servers=MCP_SERVERS, quiet=True)
inventory = await start_service("recipes.inventory_mcp", "--port", str(free_port()),
                                "--data", {str(tmp_path / "stock.json")!r}, name="inventory")
os.environ[URL_VARIABLE] = inventory.address
worker = await start_worker(conn.client, task_queue="k08", workflows=[ShopAssistantWorkflow])
process = await start_worker_process("recipes.inventory_worker", task_queue="k08-process", name="shop")
handle = await conn.client.start_workflow(ShopAssistantWorkflow.run, ShopRequest("Check the stock of Tent.",
                                          "inventory-stdio"), id="k08", task_queue="k08")
print(await handle.result())
from tests.processes import children_running
mcp_servers = children_running(os.getpid(), "recipes.inventory_mcp")  # the HTTP one and the stdio one
print(conn.server.process.pid, process.pid, *mcp_servers)
"""
    async with kernel(cwd=str(ROOT)) as k:
        answer, pids = (await k.run(cell)).splitlines()
        assert answer == "(offline model) Tent: 4 in stock."
        started = {int(p) for p in pids.split()}
        assert len(started) == 4 and all(pid_alive(p) for p in started)  # dev server, Worker, 2 MCP servers
        await k.restart()
        assert not await wait_gone(started), "the restarted kernel left processes behind"
