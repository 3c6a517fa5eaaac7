"""Notebook 02's exercises: each check passes on the solution and fails on the unedited starter."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import shared
from shared import Connection
from tests.exercises import solution_and_starter

EX = "ex02_crash"


@solution_and_starter(EX)
async def test_exercise_1_crash_during_search(ex: ModuleType, conn: Connection, task_queue: str, tmp_path: Path):
    table = await ex.crash_during_search(
        conn.client, task_queue=task_queue, outbox_path=str(tmp_path / "outbox.db"), workflow_id=f"ex1-{task_queue}"
    )
    search = next(s for s in table.steps if s.name == "search_sources")
    read = next(s for s in table.steps if s.name == "read_sources")
    assert (search.attempt, search.worker.split("@")[0]) == (2, "drill-worker-2"), "crash during search_sources"
    assert (read.attempt, read.worker.split("@")[0]) == (1, "drill-worker-2")
    assert table.count("tool", "search_sources") == 1

    # The timeline of the same run, drawn from its Event History, sees the handover too.
    picture = await shared.timeline(conn.client.get_workflow_handle(f"ex1-{task_queue}"))
    assert [w.split("@")[0] for w in picture.timeline.workers] == ["drill-worker-1", "drill-worker-2"]
    gaps = picture.timeline.crash_gaps()
    assert [gap[:2] for gap in gaps] == [tuple(picture.timeline.workers)]
    # The gap splits into Temporal noticing the crash (the 2 s heartbeat timeout) and the new worker starting.
    _, _, start, end = gaps[0]
    assert picture.timeline.noticed_at(*gaps[0]) == min(start + 2.0, end)
    assert "crash gaps: drill-worker-1 -> drill-worker-2 (Temporal noticing the crash, then" in repr(picture)
    assert picture._repr_png_().startswith(b"\x89PNG")


@solution_and_starter(EX)
async def test_exercise_2_recovery_follows_the_heartbeat_timeout(
    ex: ModuleType, conn: Connection, task_queue: str, tmp_path: Path
):
    noticed_after = await ex.recovery_with_heartbeat_timeout(
        conn.client,
        task_queue=task_queue,
        outbox_path=str(tmp_path / "outbox.db"),
        workflow_id=f"ex2-{task_queue}",
        heartbeat_timeout_s=4.0,
    )
    # Within the heartbeat timeout of the last heartbeat Temporal recorded, plus the server's timer precision.
    assert 0.5 <= noticed_after <= 4.0 + 1.0


@solution_and_starter(EX)
def test_exercise_3_the_attempt_must_not_be_in_the_key(ex: ModuleType, tmp_path: Path):
    assert ex.outbox_key("wf", "7") == "wf/7"
    assert len(ex.rows_after_two_attempts(str(tmp_path / "good.db"), include_attempt=False)) == 1
    with_attempt = ex.rows_after_two_attempts(str(tmp_path / "bad.db"), include_attempt=True)
    assert len(with_attempt) == 2, "with the attempt in the key, each attempt writes its own row"
    assert ex.ROWS_WITH_ATTEMPT_IN_KEY == len(with_attempt), "check your prediction"
