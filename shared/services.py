"""Long-lived helper processes a notebook starts, such as an MCP server: owned by a handle, never left behind.

A service is ``python -m MODULE ARGS...`` that prints one line, ``ready
<address>``, on stdout once it accepts work. Like worker processes it is
owned by a handle kept in a registry, so:

* starting a service under a name already in use replaces the old process;
* the handle kills, stops and restarts it (with the same arguments, so the
  same port), and readiness is awaited, never slept for;
* the process gets a parent-death signal (Linux) and is killed at exit, so a
  restarted or crashed kernel leaves nothing running.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from shared.errors import CookbookError
from shared.server import STATE_DIR, die_with_parent

READY_TIMEOUT_S = 30.0


@dataclass
class ServiceProcess:
    """A service process started from a module of the cookbook, and the address it said it serves."""

    module: str
    args: tuple[str, ...]
    name: str
    log_path: Path
    process: asyncio.subprocess.Process | None = None
    address: str = ""
    _drain: asyncio.Task[None] | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        """The current process's id, if one was started."""
        return self.process.pid if self.process is not None else None

    @property
    def alive(self) -> bool:
        """Whether the process is running."""
        return self.process is not None and self.process.returncode is None

    async def start(self) -> ServiceProcess:
        """Launch the process and wait for its ``ready`` line; a process that dies first is a ``CookbookError``."""
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", self.module, *self.args,
                stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=log,
                preexec_fn=die_with_parent, start_new_session=True,
            )  # fmt: skip
        assert self.process.stdout is not None
        try:
            line = await asyncio.wait_for(self.process.stdout.readline(), READY_TIMEOUT_S)
        except TimeoutError:
            await self.kill()
            raise CookbookError(f"{self.module} did not say it was ready within {READY_TIMEOUT_S:.0f} s.") from None
        if not line.startswith(b"ready"):
            await self.process.wait()
            raise CookbookError(
                f"{self.module} exited during start-up (code {self.process.returncode}): {self._last_log_line()}"
            )
        self.address = line.decode().removeprefix("ready").strip()
        self._drain = asyncio.create_task(_copy_to_log(self.process.stdout, self.log_path))
        return self

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
        if _services.get(self.name) is self:
            del _services[self.name]

    async def restart(self) -> ServiceProcess:
        """Start the service again with the same arguments (the same port), killing the old process if alive."""
        await self.kill()
        _services[self.name] = self
        return await self.start()

    def _last_log_line(self) -> str:
        lines = [line for line in self.log_path.read_text(errors="replace").splitlines() if line.strip()]
        return lines[-1] if lines else "no output"

    def __repr__(self) -> str:
        state = f"ready at {self.address}" if self.alive else "stopped"
        return f"<ServiceProcess {self.name}@{self.pid}: {state}>"


_services: dict[str, ServiceProcess] = {}


async def start_service(module: str, *args: str, name: str) -> ServiceProcess:
    """Run ``python -m module *args`` and return once it prints ``ready <address>``.

    A service already running under ``name`` is killed first, so re-running a
    cell never leaves two. Its stderr goes to a log file next to the other
    logs of the cookbook.
    """
    previous = _services.pop(name, None)
    if previous is not None:
        await previous.kill()
    log_path = STATE_DIR / f"service-{name}-{os.getpid()}.log"
    service = ServiceProcess(module, tuple(args), name, log_path)
    _services[name] = service
    return await service.start()


async def _copy_to_log(stdout: asyncio.StreamReader, log_path: Path) -> None:
    """Keep reading the service's stdout after ``ready`` so it never blocks on a full pipe."""
    with open(log_path, "ab") as log:
        while line := await stdout.readline():
            log.write(line)


@atexit.register
def _kill_services_at_exit() -> None:
    for service in _services.values():
        if service.alive:
            assert service.process is not None
            service.process.kill()
