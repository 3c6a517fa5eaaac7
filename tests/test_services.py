"""Service processes (an MCP server, say): ready when they say so, one per name, restarted on the same address.

And in a real kernel: a kernel restart leaves none of notebook 09's processes
running, neither the HTTP MCP server, nor the Worker process, nor the stdio
MCP server the in-kernel Worker started, nor the dev server, nor the warm
spare; interrupting a cell stops none of the processes the kernel owns.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from shared import CookbookError, ServiceProcess, free_port, start_service
from shared._core.processes import owned
from tests.kernels import kernel
from tests.processes import pid_alive, wait_gone

ROOT = Path(__file__).resolve().parent.parent


async def test_a_service_is_ready_replaced_by_name_and_restarted_on_its_address() -> None:
    port = str(free_port())
    first = await start_service("recipes.nb09_mcp_and_streaming.inventory_mcp", "--port", port, name="test-service")
    assert first.alive and first.address == f"http://127.0.0.1:{port}/mcp"
    second = await start_service("recipes.nb09_mcp_and_streaming.inventory_mcp", "--port", port, name="test-service")
    assert not first.alive, "a second start under the same name replaces the first"
    old_pid = second.pid
    await second.restart()
    assert second.alive and second.pid != old_pid and second.address.endswith(f":{port}/mcp")
    assert await second.kill() and not await second.kill()
    await second.stop()


async def test_a_service_that_dies_during_start_up_says_why() -> None:
    with pytest.raises(CookbookError, match=r"recipes\.no_such_module exited during start-up .*No module named"):
        await start_service("recipes.no_such_module", name="test-broken")


CHATTY_SERVICE = "import time\nprint('listening on port 8080', flush=True)\ntime.sleep(600)\n"
"""A service whose first line is not ``ready``, and that never says it."""


async def test_a_service_that_never_says_ready_is_stopped_in_bounded_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "chatty_service.py").write_text(CHATTY_SERVICE)
    monkeypatch.setattr(ServiceProcess, "ready_timeout", 3.0)
    env = {"PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    started = time.monotonic()
    with pytest.raises(CookbookError, match=r"did not say it was ready within 3 s: it printed 'listening on port"):
        await start_service("chatty_service", name="test-chatty", env=env)
    assert time.monotonic() - started < 10, "the whole wait is bounded, not only the first line"
    process = owned(ServiceProcess.kind, "test-chatty")
    assert process is not None and not process.alive, "the process that never got ready is not left running"


async def test_a_kernel_restart_leaves_no_process_of_notebook_09_running(tmp_path: Path) -> None:
    cell = f"""
import os
from shared import setup, start_service, start_worker, start_worker_process, free_port
from recipes.nb09_mcp_and_streaming.inventory_agent import ShopAssistantWorkflow, ShopRequest
from recipes.nb09_mcp_and_streaming import inventory_mcp, inventory_worker
from recipes.nb09_mcp_and_streaming.inventory_worker import MCP_SERVERS, URL_VARIABLE
conn = await setup(mcp_servers=MCP_SERVERS, quiet=True)
inventory = await start_service(inventory_mcp.__name__, "--port", str(free_port()),
                                "--data", {str(tmp_path / "stock.json")!r}, name="inventory")
os.environ[URL_VARIABLE] = inventory.address
worker = await start_worker(conn.client, task_queue="k08", workflows=[ShopAssistantWorkflow])
process = await start_worker_process(inventory_worker, task_queue="k08-process", name="shop")
handle = await conn.client.start_workflow(ShopAssistantWorkflow.run, ShopRequest("Check the stock of Tent.",
                                          "inventory-stdio"), id="k08", task_queue="k08")
print(await handle.result())
from tests.processes import children_running
from shared._core.spare import current_spare
mcp_servers = children_running(os.getpid(), inventory_mcp.__name__)  # the HTTP one and the stdio one
print(conn.server.process.pid, process.pid, current_spare().pid, *mcp_servers)
"""
    async with kernel(cwd=str(ROOT)) as k:
        answer, pids = (await k.run(cell)).splitlines()
        assert answer == "(offline model) Tent: 4 in stock."
        started = {int(p) for p in pids.split()}
        assert len(started) == 5 and all(pid_alive(p) for p in started)  # dev server, Worker, spare, 2 MCP servers
        await k.restart()
        assert not await wait_gone(started), "the restarted kernel left processes behind"


async def test_interrupting_a_cell_leaves_the_worker_service_and_codec_server_working(tmp_path: Path) -> None:
    # Kernel > Interrupt sends SIGINT to the kernel's whole process group; each owned process has its own session.
    cell = f"""
import os
from pathlib import Path
from shared import create_key_file, free_port, setup, start_codec_server, start_service, start_worker_process
os.environ["COOKBOOK_CODEC_KEY_FILE"] = str(create_key_file(Path({str(tmp_path / "codec.key")!r})))
conn = await setup(quiet=True)
from recipes.nb01_durable_agent import weather_agent
from recipes.nb09_mcp_and_streaming import inventory_mcp
worker = await start_worker_process(weather_agent, task_queue="interrupted", name="interrupted")
service = await start_service(inventory_mcp.__name__, "--port", str(free_port()), name="interrupted")
codec_server = await start_codec_server()
from shared._core.spare import current_spare
print(conn.server.process.pid, worker.pid, current_spare().pid, service.pid, codec_server.pid)
"""
    after_the_interrupt = """
import asyncio
from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow
from shared import EncryptionCodec, decode_with
from temporalio.api.common.v1 import Payload, Payloads
run = conn.client.execute_workflow(WeatherAgentWorkflow.run, "weather in Lima", id="interrupted",
                                   task_queue="interrupted")
print(await asyncio.wait_for(run, 30))  # a Worker the interrupt stopped would never answer
sealed = Payloads(payloads=await EncryptionCodec.from_environment().encode([Payload(data=b"Lima")]))
print((await decode_with(codec_server, sealed)).payloads[0].data.decode())
"""
    async with kernel(cwd=str(ROOT)) as k:
        started = {int(pid) for pid in (await k.run(cell)).split()}
        sleeping = asyncio.Event()

        def on_output(msg: dict) -> None:
            if msg["msg_type"] == "stream" and "sleeping" in msg["content"]["text"]:
                sleeping.set()

        cell_run = asyncio.ensure_future(
            k.client.execute_interactive("import time\nprint('sleeping')\ntime.sleep(60)", output_hook=on_output)
        )
        await asyncio.wait_for(sleeping.wait(), 30)
        await k.manager.interrupt_kernel()
        assert (await asyncio.wait_for(cell_run, 30))["content"]["ename"] == "KeyboardInterrupt"
        answer, decoded = (await k.run(after_the_interrupt)).splitlines()
        assert "Lima" in answer and decoded == "Lima", "the Worker and the codec server still answer"
        assert all(pid_alive(pid) for pid in started), "an interrupt stopped a process the kernel owns"
        k.kill_hard()
        assert not await wait_gone(started), "the killed kernel left processes behind"
