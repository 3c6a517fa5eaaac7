"""The warm spare: a Worker process started ahead of need, its imports done, waiting for its job.

Importing the integration (``temporalio.openai_agents``, and through it
``agents``, ``mcp`` and ``openai``) is most of a Worker process's start-up. So
the first ``start_worker_process()`` of a kernel also starts a spare,
``python -m shared --spare``: it imports what every Worker process imports and
waits for one JSON line on stdin. The next ``start_worker_process()`` hands it
the job (module, Task Queue, name, the whole environment, the log file), and
starts a new spare once that Worker is ready. The spare then is the Worker
process, with its pid, log, ``ready`` line and SIGKILL, as a cold start's
would be.

It is one of the processes this kernel owns (kind ``spare``), so the
parent-death signal and the kill at exit cover it; there is at most one. A
spare is used only when it would behave exactly as a cold start: the same
working directory, and no change to a variable read at import time (see
``IMPORTED_VARIABLES``); otherwise it is replaced and the Worker starts cold.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
from collections.abc import Mapping, Sequence
from pathlib import Path

from shared._core.processes import OwnedProcess, own, owned

SWITCH = "COOKBOOK_WARM_SPARE"
"""The environment variable that, set to ``0``, starts every Worker process cold and keeps no spare
(``bench.startup`` sets it to time a cold start; a machine short of memory may too)."""

IMPORTED_VARIABLES = re.compile(
    r"PYTHON|LD_|LC_|LANG|OPENAI_AGENTS_|AZURE_OPENAI_|OPENAI_API_TYPE$|OPENAI_API_VERSION$|TMPDIR$|TEMP$|TMP$"
)
"""Names of environment variables read before the job arrives: by Python itself (``PYTHONPATH``, the
locale), by ``agents`` and ``openai`` at import, or for the state folder (``TMPDIR``). A change to one of
them since the spare started means a cold start."""


class SpareWorker(OwnedProcess):
    """A ``python -m shared --spare`` process, imported and waiting for a Worker's job on stdin."""

    kind = "spare"

    def __init__(self) -> None:
        super().__init__(("shared", "--spare"), "worker")
        self.environ = dict(os.environ)
        """The environment it started with."""
        self.cwd = os.getcwd()
        """The working directory it started in (``python -m`` puts it on ``sys.path``)."""
        self.loop = asyncio.get_running_loop()
        """The event loop that watches it."""

    async def start(self) -> SpareWorker:
        """Launch it with a pipe for its job; it says nothing until it has one."""
        await self._launch(asyncio.subprocess.PIPE)
        return self

    def fits(self, env: Mapping[str, str]) -> bool:
        """Whether a Worker with this whole environment, started now, would behave here as when started cold."""
        changed = {key for key in self.environ.keys() | env.keys() if self.environ.get(key) != env.get(key)}
        return (
            self.loop is asyncio.get_running_loop()
            and self.cwd == os.getcwd()
            and not any(IMPORTED_VARIABLES.match(key) for key in changed)
        )

    async def hand_over(
        self, argv: Sequence[str], env: Mapping[str, str], log_path: Path
    ) -> asyncio.subprocess.Process | None:
        """Give the spare its job and return its process, now the Worker's; None if the spare died while waiting.

        The spare is no longer owned as a spare afterwards: the Worker's handle owns its process.
        """
        process, self.process = self.process, None
        if process is None or process.stdin is None:
            return None
        job = {"argv": list(argv), "env": dict(env), "log": str(log_path)}
        try:
            process.stdin.write(json.dumps(job).encode() + b"\n")
            await process.stdin.drain()
            process.stdin.close()
        except (BrokenPipeError, ConnectionResetError):  # killed by hand, say
            return None
        return process

    def discard(self) -> None:
        """SIGKILL the spare and forget it at once; its event loop's child watcher reaps it, whichever loop that is."""
        pid, self.process = self.pid, None
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def __repr__(self) -> str:
        return f"<SpareWorker @{self.pid}: {'waiting' if self.alive else 'gone'}>"


def enabled() -> bool:
    """Whether this kernel keeps a spare: unless ``COOKBOOK_WARM_SPARE=0``."""
    return os.environ.get(SWITCH, "1").strip() != "0"


def current_spare() -> SpareWorker | None:
    """The spare this kernel keeps, if one is waiting."""
    spare = owned(SpareWorker.kind, "worker")
    return spare if isinstance(spare, SpareWorker) and spare.alive else None


async def take_spare(argv: Sequence[str], env: Mapping[str, str], log_path: Path) -> asyncio.subprocess.Process | None:
    """The spare's process, handed this Worker's job, if it fits; else None, and a spare that does not fit is gone."""
    spare = current_spare()
    if spare is None or not enabled():
        return None
    if not spare.fits(env):
        spare.discard()
        return None
    return await spare.hand_over(argv, env, log_path)


async def keep_spare() -> None:
    """Start a spare for the next Worker process, unless one is waiting (or ``COOKBOOK_WARM_SPARE=0``)."""
    if enabled() and current_spare() is None:
        await own(SpareWorker())
