"""Notebook 02's side-by-side drills: two crashes at once, each on its own Task Queue with its own workers."""

from __future__ import annotations

from pathlib import Path

from recipes.nb02_crash_recovery import crash_drills
from recipes.nb02_crash_recovery.research_agent import ResearchRequest
from shared import Connection, history_table
from tests.exercises import within


async def test_two_drills_side_by_side_keep_their_own_workers_and_timeouts(
    conn: Connection, task_queue: str, tmp_path: Path
) -> None:
    timeouts = {f"{task_queue}-fast": 1.0, f"{task_queue}-slow": 3.0}
    requests = {
        name: ResearchRequest(
            "Temporal", str(tmp_path / f"{name}.db"), heartbeat_timeout_s=timeout, tools=["read_sources"]
        )
        for name, timeout in timeouts.items()
    }
    # A drill whose worker was replaced by the other drill's would wait for a worker forever: fail instead.
    noticed = await within(
        crash_drills.crash_side_by_side(conn.client, requests, tool="read_sources"), 90, "both drills"
    )

    assert list(noticed) == list(timeouts)
    for name, timeout in timeouts.items():
        # Each drill is noticed by its own heartbeat timeout, not the other's.
        assert 0.5 <= noticed[name] <= timeout + 1.0, (name, noticed[name])
        # The drills' workers have names of their own, so starting one drill's worker never replaced the other's.
        table = await history_table(conn.client.get_workflow_handle(f"nb02-{name}"))
        read = next(s for s in table.steps if s.name == "read_sources")
        assert (read.attempt, read.worker.split("@")[0]) == (2, f"{name}-worker-2")
    assert noticed[f"{task_queue}-fast"] < noticed[f"{task_queue}-slow"]
