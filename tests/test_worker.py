"""Workers in the kernel and in their own process: one per queue, visible, and alive while the kernel idles."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from temporalio.client import Client

from recipes.nb01_durable_agent import weather_agent
from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow, get_weather
from shared import Connection, CookbookError, history_table, running_workers, setup, start_worker, start_worker_process
from shared._core.activities import MODEL_ACTIVITIES
from shared._core.server import free_port, temporal_cli_path
from shared._core.spare import current_spare, keep_spare
from tests import environment_worker, setup_options_worker
from tests.environment_worker import EnvironmentWorkflow
from tests.kernels import kernel
from tests.processes import children_running, wait_until_gone


async def run_weather(client: Client, task_queue: str, prompt: str = "weather in Lima") -> str:
    handle = await client.start_workflow(
        WeatherAgentWorkflow.run, prompt, id=f"w-{uuid.uuid4()}", task_queue=task_queue
    )
    return await handle.result()


async def test_starting_again_replaces_the_worker(conn: Connection, task_queue: str) -> None:
    options = dict(task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=[get_weather])
    first = await start_worker(conn.client, **options)
    second = await start_worker(conn.client, **options)
    assert not first.running and first.worker.is_shutdown, "the old worker is shut down, not orphaned"
    assert [w for w in running_workers() if w.task_queue == task_queue] == [second]
    assert second.identity == f"notebook-worker@{os.getpid()}"
    assert "Lima" in await run_weather(conn.client, task_queue)
    await second.stop()
    assert [w for w in running_workers() if w.task_queue == task_queue] == []


async def test_workers_may_stop_in_any_order(conn: Connection) -> None:
    # The plugin installs a process-wide runner per Worker and restores the previous one when it stops,
    # so stopping an older Worker used to leave a newer one's Workflows with the plain runner.
    older, newer = f"older-{uuid.uuid4().hex[:8]}", f"newer-{uuid.uuid4().hex[:8]}"
    first = await start_worker(conn.client, weather_agent, task_queue=older)
    assert "Lima" in await run_weather(conn.client, older)
    second = await start_worker(conn.client, weather_agent, task_queue=newer)
    assert "Lima" in await run_weather(conn.client, newer)
    await first.stop()
    assert "Paris" in await asyncio.wait_for(run_weather(conn.client, newer, "weather in Paris"), 30)
    await second.stop()


async def test_stop_and_restart(conn: Connection, task_queue: str) -> None:
    worker = await start_worker(
        conn.client, task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=[get_weather], name="w"
    )
    await worker.stop()
    pending = asyncio.ensure_future(run_weather(conn.client, task_queue))
    await asyncio.sleep(0.5)
    assert not pending.done(), "with the worker stopped, nothing runs the workflow"
    restarted = await worker.restart()
    assert "Lima" in await pending
    await restarted.stop()


async def test_start_worker_hosts_what_a_module_lists(conn: Connection, task_queue: str) -> None:
    worker = await start_worker(conn.client, weather_agent, task_queue=task_queue)
    assert "Lima" in await run_weather(conn.client, task_queue)
    by_name = await start_worker(
        conn.client, "recipes.nb01_durable_agent.weather_agent", task_queue=task_queue, name="by-name"
    )
    assert not worker.running and by_name.identity.startswith("by-name@")
    assert "Paris" in await run_weather(conn.client, task_queue, "weather in Paris")
    await by_name.stop()


async def test_a_module_that_hosts_nothing_is_refused(conn: Connection, task_queue: str) -> None:
    with pytest.raises(CookbookError, match="'json' defines neither WORKFLOWS nor ACTIVITIES"):
        await start_worker(conn.client, "json", task_queue=task_queue)
    with pytest.raises(CookbookError, match="cannot import module 'recipes.no_such_module'"):
        await start_worker(conn.client, "recipes.no_such_module", task_queue=task_queue)


async def test_a_worker_process_sets_up_with_the_modules_setup_options(conn: Connection, task_queue: str) -> None:
    process = await start_worker_process("tests.setup_options_worker", task_queue=task_queue, name="setup-options")
    try:
        handle = await conn.client.start_workflow(
            WeatherAgentWorkflow.run, "weather in Oslo", id=f"so-{uuid.uuid4()}", task_queue=task_queue
        )
        assert "Oslo" in await handle.result()
    finally:
        await process.stop()
    timeouts = {
        event.activity_task_scheduled_event_attributes.start_to_close_timeout.ToTimedelta()
        for event in (await handle.fetch_history()).events
        if event.activity_task_scheduled_event_attributes.activity_type.name in MODEL_ACTIVITIES
    }
    assert timeouts == {setup_options_worker.MODEL_TIMEOUT}


async def test_a_workflow_finishes_while_the_kernel_is_idle() -> None:
    queue = f"idle-{uuid.uuid4().hex[:8]}"
    cell = f"""
from shared import setup, start_worker
from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow, get_weather
conn = await setup(quiet=True)
await start_worker(conn.client, task_queue="{queue}", workflows=[WeatherAgentWorkflow], activities=[get_weather])
await conn.client.start_workflow(WeatherAgentWorkflow.run, "weather in Tokyo", id="{queue}", task_queue="{queue}")
print(conn.server.address)
"""
    async with kernel() as k:
        address = (await k.run(cell)).strip()
        # The cell has returned: the kernel is idle, and only its background worker polls this queue.
        client = await Client.connect(address)
        handle = client.get_workflow_handle(queue)
        assert "Tokyo" in await asyncio.wait_for(handle.result(), 30)


async def test_rerunning_the_worker_cell_in_a_kernel_keeps_one_worker() -> None:
    cell = """
from shared import setup, start_worker, running_workers
from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow, get_weather
conn = await setup(quiet=True)
worker = await start_worker(conn.client, task_queue="rerun", workflows=[WeatherAgentWorkflow], activities=[get_weather])
print(len(running_workers()), worker.identity.split("@")[0])
"""
    async with kernel() as k:
        for _ in range(3):
            assert (await k.run(cell)).split() == ["1", "notebook-worker"]


async def test_a_worker_process_runs_the_workflow_and_dies_on_kill(conn: Connection, task_queue: str) -> None:
    process = await start_worker_process("recipes.nb01_durable_agent.weather_agent", task_queue=task_queue, name="proc")
    assert process.alive and process.identity == f"proc@{process.pid}"
    handle = await conn.client.start_workflow(
        WeatherAgentWorkflow.run, "weather in Paris", id=f"p-{uuid.uuid4()}", task_queue=task_queue
    )
    assert "Paris" in await handle.result()
    assert {s.worker for s in (await history_table(handle)).steps} == {process.identity}
    assert await process.kill() is True
    assert await process.kill() is False, "killing a worker that is gone is a no-op"


@pytest.mark.parametrize("warm", [True, False], ids=["warm-spare", "cold"])
async def test_a_module_that_does_not_import_is_named_in_the_error(
    task_queue: str, warm: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COOKBOOK_WARM_SPARE", "1" if warm else "0")
    if warm:  # the reason comes from the Worker's own log, which the spare writes to once it has its job
        await keep_spare()
    with pytest.raises(CookbookError, match="'recipes.no_such_module'.*No module named"):
        await start_worker_process("recipes.no_such_module", task_queue=task_queue)


async def test_temporal_address_points_at_another_server(monkeypatch: pytest.MonkeyPatch, task_queue: str) -> None:
    port = free_port()
    other = subprocess.Popen(
        [temporal_cli_path(), "server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{port}")
        monkeypatch.setenv("TEMPORAL_NAMESPACE", "default")
        connection = await wait_for_setup()
        assert connection.server is None and f"Temporal at 127.0.0.1:{port}" in connection.describe()
        worker = await start_worker(
            connection.client, task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=[get_weather]
        )
        assert "Lima" in await run_weather(connection.client, task_queue)
        await worker.stop()
    finally:
        other.terminate()
        other.wait(10)


async def wait_for_setup() -> Connection:
    """The other server was started by hand, so wait for it the way a user would: retry setup()."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return await setup(quiet=True)
        except CookbookError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


async def test_an_unreachable_address_fails_fast_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{free_port()}")
    started = time.monotonic()
    with pytest.raises(CookbookError, match=r"Cannot reach Temporal at 127\.0\.0\.1:\d+ .*unset it") as error:
        await setup(quiet=True)
    assert time.monotonic() - started < 10
    assert "\n" not in str(error.value)


async def report_environment(client: Client, task_queue: str, names: list[str]) -> dict[str, str | None]:
    """The environment variables the Worker process on ``task_queue`` sees."""
    return await client.execute_workflow(
        EnvironmentWorkflow.run, names, id=f"env-{uuid.uuid4()}", task_queue=task_queue
    )


async def test_the_warm_spare_becomes_the_next_worker_with_exactly_its_environment(
    conn: Connection, task_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COOKBOOK_TEST_GONE", "unset before the Worker starts")
    stale = current_spare()
    if stale is not None:
        await stale.kill()
    await keep_spare()
    waiting = current_spare()
    assert waiting is not None and waiting.pid is not None
    spare_pid = waiting.pid
    monkeypatch.delenv("COOKBOOK_TEST_GONE")
    monkeypatch.setenv("COOKBOOK_TEST_LATER", "set after the spare started")
    worker = await start_worker_process(
        environment_worker, task_queue=task_queue, name="warm", env={"COOKBOOK_TEST_SECRET": "the Worker's only"}
    )
    assert worker.pid == spare_pid and worker.identity == f"warm@{spare_pid}", "the spare became the Worker"
    assert not waiting.alive, "it is the Worker's process now, no longer owned as a spare"
    names = ["COOKBOOK_TEST_GONE", "COOKBOOK_TEST_LATER", "COOKBOOK_TEST_SECRET", "TEMPORAL_ADDRESS"]
    assert await report_environment(conn.client, task_queue, names) == {
        "COOKBOOK_TEST_GONE": None,
        "COOKBOOK_TEST_LATER": "set after the spare started",
        "COOKBOOK_TEST_SECRET": "the Worker's only",
        "TEMPORAL_ADDRESS": conn.server.address if conn.server else os.environ["TEMPORAL_ADDRESS"],
    }
    replacement = current_spare()
    assert replacement is not None and replacement.pid not in (None, worker.pid), "a new spare waits"
    assert await worker.kill() and worker.returncode == -9, "kill() is a SIGKILL of exactly that Worker"
    assert replacement.alive, "killing the Worker leaves the spare"


async def test_a_worker_the_spare_cannot_match_starts_cold_and_the_spare_is_replaced(
    conn: Connection, task_queue: str
) -> None:
    await keep_spare()
    waiting = current_spare()
    assert waiting is not None and waiting.pid is not None
    spare_pid = waiting.pid
    worker = await start_worker_process(
        environment_worker, task_queue=task_queue, name="cold", env={"PYTHONWARNINGS": "ignore"}
    )
    try:
        assert worker.pid != spare_pid and await wait_until_gone(spare_pid), "a spare that does not fit is killed"
        assert await report_environment(conn.client, task_queue, ["PYTHONWARNINGS"]) == {"PYTHONWARNINGS": "ignore"}
        replacement = current_spare()
        assert replacement is not None and replacement.pid not in (spare_pid, worker.pid)
    finally:
        await worker.stop()


async def test_only_a_change_that_imports_would_miss_leaves_the_spare_unused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await keep_spare()
    waiting = current_spare()
    assert waiting is not None
    assert waiting.fits({**os.environ, "OPENAI_API_KEY": "sk-test", "TEMPORAL_ADDRESS": "127.0.0.1:7233"})
    for changed in ("PYTHONPATH", "LC_ALL", "TMPDIR", "OPENAI_AGENTS_DISABLE_TRACING"):
        assert not waiting.fits({**os.environ, changed: "/elsewhere"}), changed
    monkeypatch.chdir(tmp_path)
    assert not waiting.fits(dict(os.environ)), "another working directory is another sys.path"


async def test_workers_started_in_a_row_leave_one_spare_and_nothing_else(conn: Connection, task_queue: str) -> None:
    waiting = current_spare()
    before = children_running(os.getpid(), "-m shared") - {waiting.pid if waiting else -1}
    workers = [
        await start_worker_process(environment_worker, task_queue=f"{task_queue}-{n}", name=f"row-{n}")
        for n in range(3)
    ]
    workers.append(await start_worker_process(environment_worker, task_queue=f"{task_queue}-0", name="row-0"))
    try:
        assert not workers[0].alive, "starting a name again replaced its Worker"
        last = current_spare()
        assert last is not None
        assert children_running(os.getpid(), "-m shared") - before == {w.pid for w in workers[1:]} | {last.pid}
    finally:
        for worker in workers:
            await worker.stop()
