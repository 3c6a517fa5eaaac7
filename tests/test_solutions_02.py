"""Notebook 02's exercise solutions do what the notebook says they do."""

from __future__ import annotations

import shared
from recipes.solutions import ex02_crash


async def test_exercise_1_crash_during_search(conn, task_queue, tmp_path):
    table = await ex02_crash.crash_during_search(
        conn.client, task_queue=task_queue, outbox_path=str(tmp_path / "outbox.db"), workflow_id=f"ex1-{task_queue}"
    )
    search = next(s for s in table.steps if s.name == "search_sources")
    read = next(s for s in table.steps if s.name == "read_sources")
    assert (search.attempt, search.worker.split("@")[0]) == (2, "drill-worker-2")
    assert (read.attempt, read.worker.split("@")[0]) == (1, "drill-worker-2")
    assert table.count("tool", "search_sources") == 1

    # The timeline of the same run, drawn from its Event History, sees the handover too.
    picture = await shared.timeline(conn.client.get_workflow_handle(f"ex1-{task_queue}"))
    assert [w.split("@")[0] for w in picture.timeline.workers] == ["drill-worker-1", "drill-worker-2"]
    assert [gap[:2] for gap in picture.timeline.crash_gaps()] == [tuple(picture.timeline.workers)]
    assert "crash gaps: drill-worker-1 -> drill-worker-2" in repr(picture)
    assert picture._repr_png_().startswith(b"\x89PNG")


async def test_exercise_2_recovery_follows_the_heartbeat_timeout(conn, task_queue, tmp_path):
    noticed_after = await ex02_crash.recovery_with_heartbeat_timeout(
        conn.client,
        task_queue=task_queue,
        outbox_path=str(tmp_path / "outbox.db"),
        workflow_id=f"ex2-{task_queue}",
        heartbeat_timeout_s=4.0,
    )
    assert 0.5 <= noticed_after <= 4.0 + 1.0


def test_exercise_3_the_attempt_must_not_be_in_the_key(tmp_path):
    assert len(ex02_crash.rows_after_two_attempts(str(tmp_path / "good.db"), include_attempt=False)) == 1
    assert len(ex02_crash.rows_after_two_attempts(str(tmp_path / "bad.db"), include_attempt=True)) == 2
    assert ex02_crash.outbox_key("wf", "7") == "wf/7"
