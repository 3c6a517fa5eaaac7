"""Setup and bad input: taken ports, a model server that is down, trace export, connection errors.

Proves: a gRPC port held by a program that never answers is reported in
seconds with the server log's reason, not after 30 s; a port held by another
Temporal server makes ``setup()`` move to new ports instead of "connecting" to
the other server; a model server that is down shows up in ``history_table`` and
the approval panel as the attempt number and the real cause, and the model
call fails for good after bounded retries; Agents SDK traces never go to
OpenAI unless the model is OpenAI's, and the SDK's tracing warnings never
reach a cell; a connection error keeps the meaningful part of its reason, and
an abandoned connect leaves no Rust panic at interpreter exit; every bad
argument of ``setup()``, ``start_worker()`` and ``start_worker_process()``, a
``TEMPORAL_ADDRESS`` that is not host:port, a claim-check store that cannot be
written, and an unknown Workflow id in ``history_table`` is one line, raised
before anything is stopped, replaced or started.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowFailureError

from recipes.nb01_durable_agent import weather_agent
from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow
from recipes.nb03_human_approval import approval_agent
from recipes.nb03_human_approval.approval_agent import ApprovalRequest, ApprovalWorkflow, Decision
from shared import (
    ApprovalPanel,
    Connection,
    CookbookError,
    agents_plugin,
    claim_check,
    history_table,
    select_model,
    setup,
    start_worker,
    start_worker_process,
    wait_for_activity,
    wait_until,
)
from shared._core import server as server_module
from shared._core.server import PORT_ATTEMPTS, DevServer, free_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def squatter() -> Iterator[int]:
    """A port held by a program that accepts connections and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def take_first_port(monkeypatch: pytest.MonkeyPatch, taken: int, times: int = 1) -> None:
    """Make the server's first ``times`` choices of a gRPC port land on ``taken``, as if someone got there first."""
    choose = DevServer._choose_ports
    left = [times]

    def choose_taken(server: DevServer) -> None:
        choose(server)
        if left[0] > 0:
            left[0] -= 1
            server.port = taken

    monkeypatch.setattr(DevServer, "_choose_ports", choose_taken)


# --- 1. the gRPC port is taken by something else -------------------------------------------------


async def test_a_port_held_by_a_silent_program_is_reported_in_seconds(monkeypatch, squatter):
    take_first_port(monkeypatch, squatter, times=PORT_ATTEMPTS)
    server = DevServer(None)
    started = time.monotonic()
    try:
        with pytest.raises(CookbookError) as error:
            await server.start()
    finally:
        server.stop()
    elapsed = time.monotonic() - started
    assert f"cannot listen on 127.0.0.1:{squatter}" in str(error.value)
    assert "address already in use" in str(error.value), "the server log's reason is in the message"
    assert elapsed < 10, f"took {elapsed:.1f} s: each try must notice the exited server at once, not wait 30 s"


async def test_a_port_taken_between_choosing_and_starting_means_new_ports(monkeypatch, squatter):
    take_first_port(monkeypatch, squatter)
    server = DevServer(None)
    try:
        await server.start()
        assert server.running and server.port != squatter
    finally:
        server.stop()


# --- 2. the port is taken by another Temporal server ---------------------------------------------


async def test_a_port_held_by_another_temporal_server_is_not_mistaken_for_ours(monkeypatch, conn: Connection):
    """Another kernel's server listens on the port we chose: we must not "connect" to it."""
    other = conn.server
    assert other is not None and other.running
    take_first_port(monkeypatch, other.port)
    ours = DevServer(None)
    try:
        await ours.start()
        assert ours.running, "setup() reported a server that had already exited"
        assert ours.port != other.port
    finally:
        ours.stop()
    assert other.running, "the other server is left alone"


# --- 3. a model server that is down --------------------------------------------------------------


@pytest.fixture
def down_model_client(conn: Connection) -> tuple[Client, str]:
    """A client whose Agents plugin talks to an OpenAI-compatible server at a closed port."""
    base_url = f"http://127.0.0.1:{free_port()}/v1"
    choice = select_model({"OPENAI_BASE_URL": base_url, "OPENAI_MODEL": "llama3.2"})
    return Client(**{**conn.client.config(), "plugins": [agents_plugin(choice)]}), base_url


async def test_a_model_server_that_is_down_shows_attempt_and_cause_then_fails(down_model_client, task_queue):
    client, base_url = down_model_client
    worker = await start_worker(client, weather_agent, task_queue=task_queue)
    try:
        handle = await client.start_workflow(
            WeatherAgentWorkflow.run, "weather in Lima?", id=f"down-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        await wait_for_activity(handle, min_attempt=2, started=False)
        [retrying] = (await history_table(handle)).steps
        assert retrying.kind == "model call" and retrying.attempt is not None and retrying.attempt >= 2
        assert f"failed: Cannot reach the model server at {base_url}: All connection attempts failed" in (
            retrying.result
        ), retrying.result
        with pytest.raises(WorkflowFailureError) as failure:
            await asyncio.wait_for(handle.result(), 60)
        assert f"Cannot reach the model server at {base_url}" in str(failure.value.cause.cause)
        failed, workflow = (await history_table(handle)).steps
        assert (workflow.kind, workflow.name) == ("workflow", "WeatherAgentWorkflow"), "the run's failure has a row"
        assert workflow.result.startswith("failed: "), workflow.result
        assert failed.attempt == 5, "the default retry policy gives a model call five attempts"
        assert failed.result == f"failed: Cannot reach the model server at {base_url}: All connection attempts failed"
    finally:
        await worker.stop()


async def test_the_approval_panel_says_why_the_plan_does_not_come(down_model_client, task_queue):
    client, base_url = down_model_client
    worker = await start_worker(client, approval_agent, task_queue=task_queue)
    handle = await client.start_workflow(
        ApprovalWorkflow.run, ApprovalRequest("Plan a trip"), id=f"down-{uuid.uuid4().hex[:8]}", task_queue=task_queue
    )
    panel = ApprovalPanel(handle, decide=ApprovalWorkflow.decide, state=ApprovalWorkflow.state, decision=Decision)
    try:
        await wait_until(lambda: "failed:" in panel.message, 30, "the panel to explain the retries")
        assert panel.message.startswith("The model call: attempt ")
        assert f"failed: Cannot reach the model server at {base_url}" in panel.message
        assert "\n" not in panel.message and panel.approve_button.disabled
        assert await panel.wait_result(timeout=60) is None, "the run fails once the retries are spent"
        assert "Cannot reach the model server" in panel.result_view.value
    finally:
        await panel.close()
        await worker.stop()


# --- 4. tracing ----------------------------------------------------------------------------------

TRACE_RUN = """
import asyncio, os, sys
from agents.tracing import processors
exported = []
processors.BackendSpanExporter.export = lambda self, items: exported.extend(items)  # never the network
from tests.openai_stub import StubOpenAI, chat_reply, serve

async def main():
    from recipes.nb01_durable_agent import weather_agent
    from shared import setup, start_worker
    conn = await setup(quiet=True)
    worker = await start_worker(conn.client, weather_agent, task_queue="traces")
    handle = await conn.client.start_workflow(
        weather_agent.WeatherAgentWorkflow.run, "weather in Lima?", id="traces", task_queue="traces")
    print(await handle.result())
    await worker.stop()
    conn.server.stop()

stub = StubOpenAI([chat_reply({"role": "assistant", "content": "Overcast in Lima."}, "stop")] * 2)
with serve(stub):
    if sys.argv[1] == "compatible-server":
        os.environ.update(OPENAI_BASE_URL=stub.base_url, OPENAI_MODEL="llama3.2", OPENAI_API_KEY="sk-stub")
    asyncio.run(main())
processors.default_processor().force_flush()
print("exported", len(exported))
"""


def run_python(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter from the repository root, with no OPENAI_* or TEMPORAL_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "TEMPORAL_"))}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.parametrize("model", ["compatible-server", "offline"])
def test_traces_are_not_exported_to_openai_unless_the_model_is_openai(model: str):
    run = run_python(TRACE_RUN, model)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[-1] == "exported 0", f"traces would have gone to OpenAI: {run.stdout}"
    assert "Lima" in lines[-2]
    assert "Tracing" not in run.stderr and "trace export" not in run.stderr, run.stderr


def test_the_agents_sdk_tracing_warnings_never_reach_a_cell():
    """A failed upload (here: to a closed port) is logged by the Agents SDK; the log file gets it, not stderr."""
    run = run_python(
        f"""
        import asyncio
        from agents.tracing import processors
        from shared import setup
        from shared._core.logs import route_temporal_logs_to_file

        class Trace:
            tracing_api_key = None
            def export(self):
                return {{"object": "trace", "id": "trace_0123456789abcdef0123456789abcdef", "workflow_name": "a run"}}

        conn = asyncio.run(setup(quiet=True))
        exporter = processors.BackendSpanExporter(
            api_key="sk-test", endpoint="http://127.0.0.1:{free_port()}/v1/traces/ingest", max_retries=1
        )
        exporter.export([Trace()])
        conn.server.stop()
        print(route_temporal_logs_to_file().read_text().count("[non-fatal] Tracing"))
        """
    )
    assert run.returncode == 0, run.stderr
    assert int(run.stdout.split()[-1]) >= 1, "the warning is kept in the log file"
    assert "Tracing" not in run.stderr, run.stderr


# --- 5. connection error messages ----------------------------------------------------------------

CONNECT_TO = """
import asyncio, os, socket, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from shared import CookbookError, setup

class Quiet(BaseHTTPRequestHandler):
    def log_message(self, *args): pass

silent = socket.socket(); silent.bind(("127.0.0.1", 0)); silent.listen()  # accepts, never answers
web = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)  # answers, but HTTP/1.1, not gRPC
threading.Thread(target=web.serve_forever, daemon=True).start()
for port in (silent.getsockname()[1], web.server_address[1]):
    os.environ["TEMPORAL_ADDRESS"] = f"127.0.0.1:{port}"
    try:
        asyncio.run(setup(quiet=True))
    except CookbookError as err:
        print(err)
"""


def test_connection_errors_keep_their_reason_and_exit_cleanly():
    run = run_python(CONNECT_TO)
    no_answer, not_grpc = run.stdout.splitlines()
    assert "within 5 s (no answer)." in no_answer
    assert "(h2 protocol error: http2 error (gRPC status Internal))." in not_grpc, not_grpc
    assert "panicked" not in run.stderr and "Fatal Python error" not in run.stderr, run.stderr
    assert run.returncode == 0, run.stderr


# --- 6. one clear line for every bad input, checked before anything stops or starts ---------------


@pytest.mark.parametrize(
    ("options", "says"),
    [
        ({"db_path": 123}, "setup(db_path=...) takes a file path (str or Path), not int 123."),
        ({"model_params": "x"}, "setup(model_params=...) takes a ModelActivityParameters, not str 'x'."),
        ({"mcp_servers": [1]}, "setup(mcp_servers=...) takes a dict from server name to a function"),
        ({"mcp_servers": {"shop": 1}}, "setup(mcp_servers=...) maps each server's name to a function"),
        ({"quiet": "yes"}, "setup(quiet=...) takes True or False, not str 'yes'."),
        ({"encrypt": 1}, "setup(encrypt=...) takes True or False, not int 1."),
        ({"external_storage": "a path"}, "takes an ExternalStorage: pass claim_check(directory), not str"),
        ({"ui_codec_endpoint": 5}, "setup(ui_codec_endpoint=...) takes the codec server's http(s) URL"),
        ({"ui_codec_endpoint": "127.0.0.1:1/x"}, "setup(ui_codec_endpoint='127.0.0.1:1/x') is not the codec"),
    ],
)
async def test_a_bad_setup_argument_is_one_line_and_leaves_the_server_alone(conn: Connection, options, says):
    server = conn.server
    assert server is not None and server.process is not None
    pid, endpoint = server.process.pid, server.ui_codec_endpoint
    with pytest.raises(CookbookError) as error:
        await setup(**options)
    assert says in str(error.value) and "\n" not in str(error.value), str(error.value)
    assert server.running and server.process.pid == pid, "nothing was stopped before the check"
    assert server.ui_codec_endpoint == endpoint, "the bad value was not stored"
    assert (await setup(quiet=True)).server is server, "the next setup() still works"


async def test_a_temporal_address_that_is_not_host_and_port_is_one_line(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TEMPORAL_ADDRESS", "not an address")
    with pytest.raises(CookbookError, match=r"^TEMPORAL_ADDRESS='not an address' is not host:port"):
        await setup(quiet=True)


async def test_a_claim_check_store_that_cannot_be_written_fails_setup(conn: Connection, tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(CookbookError, match=r"claim-check store .*a-file/blobs cannot be written \(Not a directory\)"):
        await setup(external_storage=claim_check(blocker / "blobs"), quiet=True)


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder no one may write to, root included (the tests run as root, who ignores mode bits): immutable."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("chattr +i is not available here, and root writes to any folder whatever its mode")
    yield folder
    subprocess.run(["chattr", "-i", str(folder)], check=True)


async def test_a_read_only_claim_check_store_fails_setup(conn: Connection, read_only_folder: Path):
    with pytest.raises(
        CookbookError, match=r"claim-check store .*read-only cannot be written \(Operation not permitted"
    ):
        await setup(external_storage=claim_check(read_only_folder), quiet=True)


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda c, q: start_worker(c, 123, task_queue=q), "start_worker(module=...) takes a worker module or its name"),
        (lambda c, q: start_worker(c, task_queue=123), "start_worker(task_queue=...) takes the Task Queue's name"),
        (lambda c, q: start_worker(c, task_queue=""), "start_worker(task_queue='') needs the Task Queue's name"),
        (lambda c, q: start_worker("x", task_queue=q), "start_worker(client=...) takes the client of setup()"),
        (lambda c, q: start_worker_process(123, task_queue=q), "start_worker_process(module=...) takes a worker"),
        (lambda c, q: start_worker_process(weather_agent, task_queue=" "), "start_worker_process(task_queue='')"),
    ],
)
async def test_a_bad_worker_argument_is_one_line(conn: Connection, task_queue: str, call, says):
    with pytest.raises(CookbookError) as error:
        await call(conn.client, task_queue)
    assert says in str(error.value) and "\n" not in str(error.value), str(error.value)


async def test_a_bad_env_is_refused_before_the_running_worker_process_is_replaced(conn: Connection, task_queue: str):
    first = await start_worker_process(weather_agent, task_queue=task_queue, name="env-check")
    try:
        with pytest.raises(CookbookError, match=r"env=...\) needs str names and values; 'X': 1 is not"):
            await start_worker_process(weather_agent, task_queue=task_queue, name="env-check", env={"X": 1})
        assert first.alive, "the running process was not killed for a call that was going to fail"
    finally:
        await first.stop()


async def test_a_worker_process_is_refused_while_the_kernels_server_is_stopped(monkeypatch, task_queue: str):
    monkeypatch.setattr(server_module, "_server", DevServer(None))  # a server this kernel started, now stopped
    monkeypatch.delenv("TEMPORAL_ADDRESS", raising=False)
    with pytest.raises(CookbookError, match="embedded server is stopped, so the Worker process would have no server"):
        await start_worker_process(weather_agent, task_queue=task_queue)


async def test_history_table_of_a_workflow_that_does_not_exist_is_one_line(conn: Connection):
    with pytest.raises(CookbookError, match=r"^No Workflow with id 'no-such-run' in Namespace 'default': check"):
        await history_table(conn.client.get_workflow_handle("no-such-run"))
