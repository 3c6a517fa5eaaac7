"""Processes a notebook starts and owns: an MCP server, a Worker process, the codec server.

Each is ``python -m MODULE ARGS...`` that prints one line on stdout once it
accepts work, ``ready`` and maybe its address. ``OwnedProcess`` is the one
mechanism behind all three (``start_service``, ``start_worker_process`` and
``start_codec_server``):

* starting a process under a name already in use replaces the old process, so
  re-running a cell never leaves two;
* a Worker process may be a warm spare, already started and imported, handed
  its job (``shared._core.spare``): it is owned here like the others;
* the handle kills, stops and restarts it (with the same arguments, so the
  same port), and readiness is awaited, never slept for;
* the process runs in its own session, so interrupting a cell (which signals
  the kernel's whole process group) leaves it running; it gets a parent-death
  signal (Linux) and is killed at exit, so a restarted or crashed kernel leaves
  nothing running.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import ClassVar, TypeVar

from shared._core.errors import CookbookError
from shared._core.server import STATE_DIR, die_with_parent, open_log, private_state_dir

READY_TIMEOUT_S = 30.0
"""How long a process may take, in all, to print its ``ready`` line."""

MAX_LINES_KEPT = 20
"""How many lines before ``ready`` are kept to explain a start-up that failed."""

P = TypeVar("P", bound="OwnedProcess")


class OwnedProcess:
    """A ``python -m ...`` child process this kernel owns, by kind and name; ready once it prints ``ready``.

    A kind of process subclasses it, saying what it is (``kind``), how long it
    may take to start, and how it explains a start-up that failed.
    """

    kind: ClassVar[str]
    ready_timeout: ClassVar[float] = READY_TIMEOUT_S

    def __init__(self, command: Sequence[str], name: str, env: Mapping[str, str] | None = None) -> None:
        self.command = tuple(command)
        """What follows ``python -m``: the module and its arguments."""
        self.name = name
        self.env = dict(env or {})
        """Added to this process's environment, as it is when the child starts."""
        self.log_path = STATE_DIR / f"{self.kind}-{name}-{os.getpid()}.log"
        self.process: asyncio.subprocess.Process | None = None
        self.address = ""
        """What followed ``ready`` on the process's first line."""
        self._drain: asyncio.Task[None] | None = None

    @property
    def pid(self) -> int | None:
        """The current process's id, if one was started."""
        return self.process.pid if self.process is not None else None

    @property
    def returncode(self) -> int | None:
        """The exit code of a process that has exited; None while it runs or before it starts."""
        return self.process.returncode if self.process is not None else None

    @property
    def alive(self) -> bool:
        """Whether the process is running."""
        return self.process is not None and self.process.returncode is None

    async def start(self: P) -> P:
        """Launch the process and wait for its ``ready`` line; a process that dies first is a ``CookbookError``."""
        await self._launch(asyncio.subprocess.DEVNULL)
        await self._await_ready()
        return self

    async def _launch(self, stdin: int) -> None:
        """Run ``python -m`` with the command in its own session, stdout piped to us and stderr to the log."""
        private_state_dir()
        with open_log(self.log_path) as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", *self.command, env={**os.environ, **self.env},
                stdin=stdin, stdout=asyncio.subprocess.PIPE, stderr=log,
                preexec_fn=die_with_parent, start_new_session=True,
            )  # fmt: skip

    async def _await_ready(self) -> None:
        """Read stdout up to the ``ready`` line, the whole wait bounded by ``ready_timeout``.

        A process that prints something else first, or nothing, is killed when
        the time is up, and the error quotes what it printed; one that exits
        first is explained from its log.
        """
        assert self.process is not None and self.process.stdout is not None
        printed: list[str] = []
        try:
            async with asyncio.timeout(self.ready_timeout):
                while line := await self.process.stdout.readline():
                    if line.startswith(b"ready"):
                        self.address = line.decode().removeprefix("ready").strip()
                        self._drain = asyncio.create_task(_copy_to_log(self.process.stdout, self.log_path))
                        return
                    if len(printed) < MAX_LINES_KEPT:
                        printed.append(line.decode(errors="replace").strip())
                await self.process.wait()
        except TimeoutError:
            await self.kill()
            said = f"it printed {printed[0]!r:.120} instead" if printed else "it printed nothing"
            message = f"{self._not_ready_message().rstrip('.')}: {said} (log: {self.log_path.name})."
            raise CookbookError(message) from None
        raise CookbookError(self._exited_message(self._last_log_line(printed)))

    async def kill(self) -> bool:
        """Crash the process with SIGKILL. Return False if it was not running."""
        if not self.alive:
            return False
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        return True

    async def stop(self) -> None:
        """Stop the process gracefully with SIGTERM, killing it if it does not exit within 10 s."""
        if self.alive:
            assert self.process is not None
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                await self.kill()

    async def restart(self: P) -> P:
        """Start the process again with the same arguments (the same port), killing the old process if alive."""
        if self.alive:
            await self.kill()
        return await own(self)

    def _not_ready_message(self) -> str:
        return f"{self.command[0]} did not say it was ready within {self.ready_timeout:.0f} s."

    def _exited_message(self, reason: str) -> str:
        return f"{self.command[0]} exited during start-up (code {self.returncode}): {reason}"

    def _last_log_line(self, printed: Sequence[str] = ()) -> str:
        """The last line the process wrote to its log (stderr), else to stdout, else "no output"."""
        lines = [line for line in self.log_path.read_text(errors="replace").splitlines() if line.strip()]
        lines = lines or [line for line in printed if line]
        return lines[-1] if lines else "no output"


_owned: dict[tuple[str, str], OwnedProcess] = {}


async def own(process: P) -> P:
    """Start ``process`` in place of the one of the same kind and name, which is killed if still running."""
    previous = _owned.get((process.kind, process.name))
    if previous is not None and previous.alive:
        await previous.kill()
    _owned[(process.kind, process.name)] = process
    return await process.start()


def owned(kind: str, name: str) -> OwnedProcess | None:
    """The process of this kind and name this kernel started last, running or not."""
    return _owned.get((kind, name))


class ServiceProcess(OwnedProcess):
    """A service process started from a module of the cookbook, and the address it said it serves."""

    kind = "service"

    def __init__(self, module: str, args: Sequence[str], name: str, env: Mapping[str, str] | None = None) -> None:
        super().__init__((module, *args), name, env)
        self.module = module
        self.args = tuple(args)

    def __repr__(self) -> str:
        state = f"ready at {self.address}" if self.alive else "stopped"
        return f"<ServiceProcess {self.name}@{self.pid}: {state}>"


def module_name(module: ModuleType | str) -> str:
    """The dotted name ``python -m`` takes, for a module or its name."""
    return module if isinstance(module, str) else module.__name__


async def start_service(
    module: ModuleType | str, *args: str, name: str, env: Mapping[str, str] | None = None
) -> ServiceProcess:
    """Run ``python -m module *args`` (a module or its name) and return once it prints ``ready <address>``.

    A service already running under ``name`` is killed first, so re-running a
    cell never leaves two. The process gets this kernel's environment plus
    ``env``. Its stderr goes to a log file next to the other logs of the
    cookbook.
    """
    return await own(ServiceProcess(module_name(module), args, name, env))


async def _copy_to_log(stdout: asyncio.StreamReader, log_path: Path) -> None:
    """Keep reading the process's stdout after ``ready`` so it never blocks on a full pipe."""
    with open_log(log_path) as log:
        while line := await stdout.readline():
            log.write(line)


@atexit.register
def _kill_owned_at_exit() -> None:
    for process in _owned.values():
        if process.alive:
            assert process.process is not None
            process.process.kill()
