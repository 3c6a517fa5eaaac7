"""``make clean``: remove what the cookbook created, and nothing else.

Removed: the virtual environment, build and tool caches, notebook checkpoints,
and in the temp directory the cookbook's logs, its dev servers' databases and
notebook 02's scratch folders. Kept: your notebooks and code, and the owner
records of dev servers (the next ``setup()`` uses them to reap orphans). If a
kernel's dev server is still running, nothing is removed: stop that kernel
first, so its server does not lose its database under it.

Standard library only: it runs with any ``python3``, even with no ``.venv``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

IN_REPO = [".venv", "build", ".pytest_cache", ".ruff_cache", ".ipynb_checkpoints"]
"""Folders in the checkout that tools create."""

STATE_PATTERNS = ["*.log", "*.db", "*.db-wal", "*.db-shm", "*.db-journal"]
"""Logs and server databases in the state folder, ``<tmp>/durable-agents-cookbook-<uid>``."""

SCRATCH_PATTERN = "cookbook-0*-*"
"""Notebooks' scratch folders in the temp directory (``tempfile.mkdtemp(prefix="cookbook-02-")``)."""


def state_dir() -> Path:
    """Where the embedded servers keep their logs, records and databases (``shared.STATE_DIR``)."""
    return Path(tempfile.gettempdir()) / f"durable-agents-cookbook-{os.getuid()}"


def running_servers() -> list[int]:
    """Pids of recorded dev servers that are still alive."""
    alive = []
    for record in state_dir().glob("server-*.json"):
        try:
            pid = int(json.loads(record.read_text())["pid"])
            os.kill(pid, 0)
        except (OSError, ValueError, KeyError, TypeError):
            continue
        alive.append(pid)
    return alive


def targets() -> list[Path]:
    """Everything ``make clean`` removes, that exists right now."""
    found = [ROOT / name for name in IN_REPO]
    found += list(ROOT.glob("*.egg-info")) + list(ROOT.glob("*/.ipynb_checkpoints"))
    found += [p for p in ROOT.rglob("__pycache__") if ".venv" not in p.relative_to(ROOT).parts]
    for pattern in STATE_PATTERNS:
        found += state_dir().glob(pattern)
    found += Path(tempfile.gettempdir()).glob(SCRATCH_PATTERN)
    return [p for p in found if p.exists() or p.is_symlink()]


def main() -> int:
    """Remove the targets, or refuse while a dev server runs; print what was removed."""
    busy = running_servers()
    if busy:
        print(
            f"A Temporal dev server is still running (pid {', '.join(map(str, busy))}), so nothing was removed. "
            "Shut down its kernel (Kernel > Shut Down Kernel, or quit JupyterLab), then run `make clean` again."
        )
        return 1
    removed = targets()
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    where = {str(ROOT): ".", tempfile.gettempdir(): "<tmp>"}
    shown = sorted({_short(p, where) for p in removed})
    print("Removed: " + (", ".join(shown) if shown else "nothing (already clean)") + ".")
    return 0


def _short(path: Path, where: dict[str, str]) -> str:
    """A path shown relative to the checkout or the temp directory, with file names grouped by kind."""
    for base, label in where.items():
        if str(path).startswith(base + os.sep):
            relative = path.relative_to(base)
            if relative.parts[0] == state_dir().name:
                return f"{label}/{state_dir().name}/*{path.suffix}"
            if path.name == "__pycache__":
                return "__pycache__ folders"
            if path.name.startswith("cookbook-0"):
                return f"{label}/cookbook-0*-* scratch folders"
            return f"{label}/{relative}"
    return str(path)


if __name__ == "__main__":
    sys.exit(main())
