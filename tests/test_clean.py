"""``make clean`` removes the venv, caches, logs, server databases and scratch folders, and nothing else."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = f"durable-agents-cookbook-{os.getuid()}"
"""The state folder's name: one per user (``shared.STATE_DIR``)."""


def tree(*roots: Path) -> set[str]:
    return {str(p) for root in roots for p in root.rglob("*")}


def make_checkout(tmp_path: Path) -> tuple[Path, Path]:
    """A small checkout with the clean script, a venv, caches and the learner's own files; and a temp dir."""
    repo, tmp = tmp_path / "repo", tmp_path / "tmp"
    (repo / "tools").mkdir(parents=True)
    shutil.copy(ROOT / "tools" / "clean.py", repo / "tools" / "clean.py")
    for name in [
        ".venv/bin/python", ".venv/lib/site.py", ".pytest_cache/v/x", ".ruff_cache/x", "build/lib/x.py",
        "durable_agents_cookbook.egg-info/PKG-INFO", "shared/__pycache__/x.pyc", "notebooks/.ipynb_checkpoints/x.ipynb",
        # the learner's own work: never touched
        "notebooks/01_durable_agent.ipynb", "recipes/exercises/ex01_durable_agent.py", "notes.db", "my.log",
        ".git/HEAD", ".devcontainer/devcontainer.json",
    ]:  # fmt: skip
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text("x")
    state = tmp / STATE
    state.mkdir(parents=True)
    for name in ["server-7233.log", "temporal-42.log", "04_chat.db", "04_chat.db-wal", "server-999999.json"]:
        (state / name).write_text("x")
    (tmp / "cookbook-02-abc").mkdir()
    (tmp / "cookbook-02-abc" / "temporal.db").write_text("x")
    (tmp / "someone-elses-file.db").write_text("x")
    return repo, tmp


def run_clean(repo: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.run(
        [sys.executable, str(repo / "tools" / "clean.py")], env=env, capture_output=True, text=True, timeout=30
    )


def test_clean_removes_what_the_cookbook_made_and_nothing_else(tmp_path: Path) -> None:
    repo, tmp = make_checkout(tmp_path)
    result = run_clean(repo, tmp)
    assert result.returncode == 0, result.stdout + result.stderr
    left = {str(Path(p).relative_to(tmp_path)) for p in tree(repo, tmp)}
    assert left == {
        "repo/tools", "repo/tools/clean.py", "repo/shared", "repo/notebooks", "repo/notebooks/01_durable_agent.ipynb",
        "repo/recipes", "repo/recipes/exercises", "repo/recipes/exercises/ex01_durable_agent.py",
        "repo/notes.db", "repo/my.log", "repo/.git", "repo/.git/HEAD", "repo/.devcontainer",
        "repo/.devcontainer/devcontainer.json",
        f"tmp/{STATE}", f"tmp/{STATE}/server-999999.json", "tmp/someone-elses-file.db",
    }  # fmt: skip
    assert result.stdout.startswith("Removed: ./.pytest_cache, ./.ruff_cache, ./.venv, ")
    assert run_clean(repo, tmp).stdout == "Removed: nothing (already clean).\n"


def test_clean_refuses_while_a_dev_server_runs(tmp_path: Path) -> None:
    repo, tmp = make_checkout(tmp_path)
    record = tmp / STATE / "server-1.json"
    record.write_text(json.dumps({"pid": os.getpid(), "owner": os.getpid(), "db": None}))  # a live pid
    before = tree(repo, tmp)
    result = run_clean(repo, tmp)
    assert result.returncode == 1
    assert f"still running (pid {os.getpid()}), so nothing was removed" in result.stdout
    assert tree(repo, tmp) == before
