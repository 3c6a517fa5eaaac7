"""Solutions to notebook 02's exercises: crash recovery, heartbeats and idempotency keys."""

from __future__ import annotations

import sqlite3

from temporalio.client import Client

from recipes.nb02_crash_recovery.crash_drills import crash_during
from recipes.nb02_crash_recovery.research_agent import OUTBOX_SCHEMA, ResearchRequest, read_outbox
from shared import HistoryTable, history_table


async def crash_during_search(client: Client, *, task_queue: str, outbox_path: str, workflow_id: str) -> HistoryTable:
    """Exercise 1: kill the worker while ``search_sources`` runs, and return the run's history table.

    Now ``search_sources`` shows attempt 2 on the second worker, and every step
    after it (``read_sources`` too) runs on the second worker, on attempt 1: it
    had not started when the first worker died.
    """
    request = ResearchRequest("Temporal", outbox_path, tools=["search_sources", "read_sources"])
    handle, _ = await crash_during(
        client, request, workflow_id=workflow_id, task_queue=task_queue, tool="search_sources"
    )
    return await history_table(handle)


async def recovery_with_heartbeat_timeout(
    client: Client, *, task_queue: str, outbox_path: str, workflow_id: str, heartbeat_timeout_s: float = 4.0
) -> float:
    """Exercise 2: seconds from the kill until Temporal schedules attempt 2, with this heartbeat timeout.

    The prediction: a little under ``heartbeat_timeout_s`` after the tool's last
    heartbeat, so at most the heartbeat timeout plus about a second after the kill.
    """
    request = ResearchRequest(
        "Temporal", outbox_path, tool_seconds=6, heartbeat_timeout_s=heartbeat_timeout_s,
        start_to_close_s=20, tools=["read_sources"],
    )  # fmt: skip
    _, noticed_after = await crash_during(
        client, request, workflow_id=workflow_id, task_queue=task_queue, tool="read_sources"
    )
    return noticed_after


# Exercise 3: each attempt has its own key, so both INSERTs succeed: the notification goes out twice.
ROWS_WITH_ATTEMPT_IN_KEY = 2


def outbox_key(workflow_id: str, activity_id: str, attempt: int | None = None) -> str:
    """Exercise 3: the idempotency key, optionally (and wrongly) including the attempt number."""
    key = f"{workflow_id}/{activity_id}"
    return key if attempt is None else f"{key}/attempt-{attempt}"


def rows_after_two_attempts(outbox_path: str, *, include_attempt: bool) -> list[tuple[str, str]]:
    """Exercise 3: what the outbox holds after a crashed attempt 1 and a retried attempt 2.

    With the attempt in the key, each attempt has its own key, so both INSERTs
    succeed and the notification goes out twice. The key must name the work
    (Workflow id + Activity id), never the try.
    """
    with sqlite3.connect(outbox_path) as db:
        db.execute(OUTBOX_SCHEMA)
        for attempt in (1, 2):
            key = outbox_key("nb02-outbox", "2", attempt if include_attempt else None)
            db.execute("INSERT OR IGNORE INTO outbox (key, message) VALUES (?, ?)", (key, "research is done"))
    return read_outbox(outbox_path)
