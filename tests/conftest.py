"""Fixtures shared by the test modules: one embedded dev server per test session."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from shared import Connection, setup


@pytest.fixture(scope="session")
async def conn() -> AsyncIterator[Connection]:
    """A client connected to the embedded dev server, with the offline model."""
    connection = await setup(quiet=True)
    yield connection
    if connection.server is not None:
        connection.server.stop()


@pytest.fixture
def task_queue() -> str:
    """A Task Queue no other test uses."""
    return f"test-{uuid.uuid4().hex[:12]}"
