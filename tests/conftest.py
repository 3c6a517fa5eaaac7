"""Fixtures shared by the test modules: one embedded dev server per session, one time-skipping server per module.

And the benchmark's harness, for the tests of ``bench`` and of notebook 06's exercises.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from types import ModuleType
from typing import TYPE_CHECKING

import pytest
from temporalio.testing import WorkflowEnvironment

from shared import Connection, setup, start_time_skipping, start_worker
from shared._core.server import current_server, orphaned_servers

if TYPE_CHECKING:
    from bench import Harness

# The real-model tests need a served model (`make test-real-model`), so `pytest tests` leaves them out;
# naming the folder, `pytest tests/real_model`, still runs them.
collect_ignore = ["real_model"]

# Tests never export Agents SDK traces: there is no network here, and a stub key must not reach OpenAI.
os.environ["OPENAI_AGENTS_DISABLE_TRACING"] = "1"


@pytest.fixture(scope="session")
async def conn() -> AsyncIterator[Connection]:
    """A client connected to the embedded dev server, with the offline model."""
    connection = await setup(quiet=True)
    yield connection
    if connection.server is not None:
        connection.server.stop()


@pytest.fixture
def discard_in_memory_server() -> None:
    """Stop the session's in-memory server, so that a test may switch it to a database file.

    ``setup(db_path=...)`` refuses to restart an in-memory server that holds
    Workflows (they would be lost); stopping it first is the explicit way to
    discard them. The server starts again on the same address.
    """
    server = current_server()
    if server is not None and server.db_path is None:
        server.stop()


@pytest.fixture(scope="module")
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's time-skipping test server, with a bare client: each test adds the Agents plugin it needs.

    ``agents_plugin()`` for the offline model, or ``AgentEnvironment(...).applied_on_client`` for a scripted one.
    """
    env = await start_time_skipping(plugins=[])
    yield env
    await env.shutdown()


@pytest.fixture
async def harness(conn: Connection) -> AsyncIterator[Harness]:
    """The benchmark's harness (``bench.Harness``) on the session's dev server; stops what it started."""
    from bench import Harness  # only the tests that measure pay for its imports

    async with Harness() as h:
        yield h


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run if any dev server outlived the process (kernel, test, worker) that started it."""
    orphans = orphaned_servers()
    if orphans:
        print(f"\nOrphaned Temporal dev servers left running: {orphans}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
async def ex_queue(ex: ModuleType, conn: Connection, task_queue: str) -> AsyncIterator[str]:
    """A Worker hosting the exercise module under check (``ex``, from ``solution_and_starter``); its Task Queue."""
    worker = await start_worker(conn.client, ex, task_queue=task_queue)
    yield task_queue
    await worker.stop()


@pytest.fixture
def task_queue() -> str:
    """A Task Queue no other test uses."""
    return f"test-{uuid.uuid4().hex[:12]}"
