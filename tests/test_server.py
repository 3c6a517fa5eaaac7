"""The embedded server's lifecycle: start, reuse, stop, persistence, and never an orphan."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from temporalio.client import Client

from shared import Connection, CookbookError, history_table, restart_dev_server, start_worker, temporal_cli_path
from shared._core import server as server_module
from shared._core.server import STATE_DIR, DevServer, free_port, reap_orphans, start_dev_server
from tests.kernels import kernel
from tests.processes import pid_alive, wait_until_gone

SETUP_CELL = "from shared import setup\nconn = await setup(quiet=True)\nprint(conn.server.process.pid)"


async def test_start_reuse_and_stop_in_a_kernel() -> None:
    async with kernel() as k:
        pid = int(await k.run(SETUP_CELL))
        assert int(await k.run(SETUP_CELL)) == pid, "a second setup() reuses the kernel's server"
        await k.run("conn.server.stop()")
        assert not pid_alive(pid)
        restarted = int(await k.run(SETUP_CELL))
        assert restarted != pid and pid_alive(restarted)
    assert await wait_until_gone(restarted), "shutting the kernel down stops its server"


async def test_a_killed_kernel_takes_its_server_and_workers_with_it() -> None:
    cell = (
        SETUP_CELL + "\nfrom shared import start_worker_process\n"
        "from recipes.nb01_durable_agent import weather_agent\n"
        "w = await start_worker_process(weather_agent, task_queue='kill-test')\nprint(w.pid)"
    )
    async with kernel() as k:
        server_pid, worker_pid = map(int, (await k.run(cell)).split())
        k.kill_hard()
        assert await wait_until_gone(server_pid), "the dev server outlived a SIGKILLed kernel"
        assert await wait_until_gone(worker_pid), "the worker process outlived a SIGKILLed kernel"


async def test_the_next_start_reaps_a_server_whose_owner_is_gone(conn: Connection) -> None:
    assert conn.server is not None
    dead_owner = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    port = str(free_port())
    orphan = subprocess.Popen([temporal_cli_path(), "server", "start-dev", "--headless", "--port", port])
    try:
        record = STATE_DIR / f"server-{orphan.pid}.json"
        record.write_text(json.dumps({"pid": orphan.pid, "owner": int(dead_owner.stdout), "db": None}))
        reap_orphans()
        assert orphan.wait(10) == -9, "the orphan was killed"
        assert not record.exists()
    finally:
        if orphan.poll() is None:
            orphan.kill()
            orphan.wait()
    assert conn.server.running, "reaping never touches a server whose owner is alive"


async def test_workflows_survive_a_restart_of_a_persistent_server(
    conn: Connection, discard_in_memory_server: None, tmp_path: Path
) -> None:
    from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow, get_weather

    server = await start_dev_server(tmp_path / "temporal.db")
    assert server.port == conn.server.port, "switching to a database file keeps the address"
    queue = f"persist-{uuid.uuid4().hex[:8]}"
    worker = await start_worker(
        conn.client, task_queue=queue, workflows=[WeatherAgentWorkflow], activities=[get_weather]
    )
    handle = await conn.client.start_workflow(WeatherAgentWorkflow.run, "weather in Paris", id=queue, task_queue=queue)
    await handle.result()
    await worker.stop()
    await restart_dev_server()
    after = conn.client.get_workflow_handle(queue)
    assert "Paris" in await after.result()
    assert (await history_table(after)).count("tool", "get_weather") == 1


def test_a_corrupt_database_file_is_refused(tmp_path: Path) -> None:
    from shared._core.server import _check_db_file

    db = tmp_path / "broken.db"
    db.write_bytes(b"this is not sqlite")
    with pytest.raises(CookbookError, match="not a SQLite database"):
        _check_db_file(db)


async def test_a_database_file_in_use_by_another_server_is_refused(
    discard_in_memory_server: None, tmp_path: Path
) -> None:
    from shared._core.server import _check_db_file

    server = await start_dev_server(tmp_path / "busy.db")
    assert server.db_path is not None
    with pytest.raises(CookbookError, match="in use by another Temporal server"):
        _check_db_file(server.db_path)


@pytest.fixture
async def busy_in_memory_server(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[DevServer]:
    """This kernel's embedded server, in memory and holding a Workflow (the session's server is left alone)."""
    monkeypatch.setattr(server_module, "_server", None)
    server = await start_dev_server()
    client = await Client.connect(server.address)
    await client.start_workflow("NoWorkerNeeded", id="held", task_queue="nobody-polls")
    yield server
    server.stop()


@pytest.mark.parametrize(
    "restart",
    [
        lambda tmp: start_dev_server(ui_codec_endpoint="http://127.0.0.1:1/token"),
        lambda tmp: start_dev_server(tmp / "temporal.db"),
        lambda tmp: restart_dev_server(),
    ],
    ids=["another codec endpoint", "a database file", "restart_dev_server"],
)
async def test_an_in_memory_server_that_holds_workflows_is_never_restarted_silently(
    busy_in_memory_server: DevServer, tmp_path: Path, restart
) -> None:
    server = busy_in_memory_server
    assert server.process is not None
    pid = server.process.pid
    with pytest.raises(CookbookError, match=r"restarts the embedded server, whose 1 Workflow\(s\) live only in memory"):
        await restart(tmp_path)
    assert server.running and server.process.pid == pid and server.ui_codec_endpoint is None
    client = await Client.connect(server.address)
    await client.get_workflow_handle("held").describe()  # still there


async def test_an_in_memory_server_with_no_workflows_restarts_for_a_codec_endpoint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(server_module, "_server", None)
    server = await start_dev_server()
    try:
        again = await start_dev_server(ui_codec_endpoint="http://127.0.0.1:1/token")
        assert again is server and server.running and server.ui_codec_endpoint == "http://127.0.0.1:1/token"
    finally:
        server.stop()
