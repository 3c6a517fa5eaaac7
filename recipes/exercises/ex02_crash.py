"""Notebook 02's exercises: edit the TODOs, then run ``make exercises NB=02``.

1. Crash the agent during ``search_sources`` instead of ``read_sources``.
2. Measure how soon Temporal notices the crash with a 4 s heartbeat timeout.
3. Put the attempt number in the idempotency key, and count the outbox rows.
"""

from __future__ import annotations

import sqlite3

from temporalio.client import Client

from recipes.nb02_crash_recovery.crash_drills import crash_during  # noqa: F401 (exercises 1 and 2 need it)
from recipes.nb02_crash_recovery.research_agent import OUTBOX_SCHEMA, ResearchRequest, read_outbox  # noqa: F401 (exercises 1, 2)
from shared import HistoryTable, history_table  # noqa: F401 (exercise 1 needs history_table)


async def crash_during_search(client: Client, *, task_queue: str, outbox_path: str, workflow_id: str) -> HistoryTable:
    """Exercise 1: kill the worker while ``search_sources`` runs, and return the run's history table."""
    # TODO: 1. request = ResearchRequest("Temporal", outbox_path, tools=["search_sources", "read_sources"])
    #       2. handle, _ = await crash_during(client, request, workflow_id=..., task_queue=..., tool=...)
    #          with the name of the tool to crash in,
    #       3. return the run's history table: await history_table(handle).
    raise NotImplementedError("exercise 1: replace this line with your code")


async def recovery_with_heartbeat_timeout(
    client: Client, *, task_queue: str, outbox_path: str, workflow_id: str, heartbeat_timeout_s: float = 4.0
) -> float:
    """Exercise 2: seconds from the kill until Temporal schedules attempt 2, with this heartbeat timeout.

    Predict first: after the kill, how long until Temporal gives up on the dead worker's attempt?
    """
    # TODO: 1. a ResearchRequest for one slow tool, "read_sources", that works for 6 s (tool_seconds) with
    #          heartbeat_timeout_s=heartbeat_timeout_s and start_to_close_s=20,
    #       2. crash the worker during read_sources with crash_during(...),
    #       3. return the seconds it measured (the second item it returns).
    raise NotImplementedError("exercise 2: replace this line with your code")


# Exercise 3: your prediction first. Two attempts of send_notification write to the outbox; the first
# crashed after its write. With the attempt number in the key, how many rows does the outbox hold?
ROWS_WITH_ATTEMPT_IN_KEY: int | None = None  # TODO: your prediction


def outbox_key(workflow_id: str, activity_id: str, attempt: int | None = None) -> str:
    """Exercise 3: the idempotency key, optionally (and wrongly) including the attempt number."""
    key = f"{workflow_id}/{activity_id}"
    # TODO: when an attempt is given, put it in the key too: f"{key}/attempt-{attempt}".
    return key


def rows_after_two_attempts(outbox_path: str, *, include_attempt: bool) -> list[tuple[str, str]]:
    """Exercise 3: what the outbox holds after a crashed attempt 1 and a retried attempt 2 (no TODO here)."""
    with sqlite3.connect(outbox_path) as db:
        db.execute(OUTBOX_SCHEMA)
        for attempt in (1, 2):
            key = outbox_key("nb02-outbox", "2", attempt if include_attempt else None)
            db.execute("INSERT OR IGNORE INTO outbox (key, message) VALUES (?, ?)", (key, "research is done"))
    return read_outbox(outbox_path)
