"""Mistakes around crashes give one clear message, never a silent dead process or a hang."""

from __future__ import annotations

import json
import os

import pytest

import shared
from shared._core.server import STATE_DIR, DevServer, start_dev_server


async def test_worker_for_a_module_that_does_not_import_names_the_module(task_queue):
    with pytest.raises(shared.CookbookError, match=r"recipes\.no_such_module.*ModuleNotFoundError"):
        await shared.start_worker_process("recipes.no_such_module", task_queue=task_queue, name="bad-module")


async def test_killing_a_worker_that_is_gone_is_a_no_op_with_a_message(task_queue, capsys):
    worker = await shared.start_worker_process(
        "recipes.nb02_crash_recovery.research_agent", task_queue=task_queue, name="kill-twice"
    )
    assert await worker.kill() is True
    capsys.readouterr()
    assert await worker.kill() is False
    out = capsys.readouterr().out
    assert worker.identity in out and "nothing to kill" in out
    assert not worker.alive


async def test_restarting_on_a_corrupt_database_file_is_refused(discard_in_memory_server, tmp_path, monkeypatch):
    db = tmp_path / "temporal.db"
    await shared.setup(db_path=db, quiet=True)
    stop = DevServer.stop

    def stop_then_corrupt(server: DevServer, timeout: float = 10.0) -> None:
        # Corrupt the file while the server is down: a running server may write its pages back over it.
        stop(server, timeout)
        db.write_bytes(b"this is not a database" * 100)

    monkeypatch.setattr(DevServer, "stop", stop_then_corrupt)
    try:
        with pytest.raises(shared.CookbookError, match="is not a SQLite database"):
            await shared.restart_dev_server()
    finally:
        monkeypatch.undo()
        # Leave the session a running server, on a fresh database, at the same address.
        server = await start_dev_server(tmp_path / "fresh.db")
    assert server.running


async def test_a_database_file_in_use_by_another_server_is_refused(tmp_path):
    db = tmp_path / "shared.db"
    db.write_bytes(b"")
    # Another of our servers (here: a live process recorded as one) holds the file.
    record = STATE_DIR / f"server-{os.getpid()}.json"
    record.write_text(json.dumps({"pid": os.getpid(), "owner": os.getpid(), "db": str(db.resolve())}))
    try:
        with pytest.raises(shared.CookbookError, match="in use by another Temporal server"):
            await start_dev_server(db)
    finally:
        record.unlink(missing_ok=True)
    assert shared.current_server() is not None, "the refusal must not stop the running server"
