"""The out-of-the-notebook example: worker.py and starter.py run as two ordinary processes."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from pathlib import Path

from shared import Connection, history_table

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "durable_agent"

TEARDOWN_ABORT = b"Fatal Python error: PyGILState_Release"
"""A known bug of the Temporal Python SDK (temporalio/sdk-python#300): now and then (about 1 exit in 15 here) a
process that used a Client aborts *after* its last line, while the interpreter tears down the SDK's Rust threads."""


def exited_cleanly(process: asyncio.subprocess.Process, stderr: bytes) -> bool:
    """Exit code 0, or the SDK's known abort during interpreter teardown (and nothing else)."""
    return process.returncode == 0 or (process.returncode == -signal.SIGABRT and TEARDOWN_ABORT in stderr)


def example_env(conn: Connection) -> dict[str, str]:
    """The environment a learner would export: the server's address, nothing else."""
    assert conn.server is not None
    return {**os.environ, "TEMPORAL_ADDRESS": conn.server.address, "TEMPORAL_NAMESPACE": "default"}


async def test_worker_and_starter_processes_run_the_weather_agent(conn: Connection) -> None:
    env = example_env(conn)
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLE / "worker.py"),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert worker.stdout is not None
        ready = (await asyncio.wait_for(worker.stdout.readline(), 60)).decode()
        assert ready.startswith(f"Worker {worker.pid} polls Task Queue 'weather-agent' at {conn.server.address}")

        starter = await asyncio.create_subprocess_exec(
            sys.executable, str(EXAMPLE / "starter.py"), "What's the weather in Lima and Paris?",
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(starter.communicate(), 60)
        assert exited_cleanly(starter, err), err.decode()
        started, answer = out.decode().splitlines()
        assert answer == "(offline model) Weather in Lima: Overcast, 18 °C. Weather in Paris: Light rain, 14 °C."

        # The run's history says the worker process (its default identity is pid@host) did the work.
        workflow_id = re.fullmatch(r"Started Workflow (weather-[0-9a-f]{8}); .*", started).group(1)
        table = await history_table(conn.client.get_workflow_handle(workflow_id))
        assert table.count("tool", "get_weather") == 2
        assert {step.worker.split("@")[0] for step in table.steps} == {str(worker.pid)}
    finally:
        if worker.returncode is None:
            worker.send_signal(signal.SIGTERM)
        rest, err = await asyncio.wait_for(worker.communicate(), 30)
    assert rest.decode().splitlines()[-1] == "Worker stopped.", "SIGTERM stops the worker gracefully"
    assert exited_cleanly(worker, err), err.decode()
