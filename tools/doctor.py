"""``make doctor``: a pre-flight check in seconds, before a workshop or your first ``make lab``.

It checks what the notebooks need, from Python to the model, and for each
problem prints what is wrong and the one command that fixes it. It is much
lighter than ``make test``: it starts the embedded dev server once and stops
it, and runs no notebook. Exit status 1 if anything is wrong (warnings alone
exit 0).

Standard library only: it runs with any ``python3``, even before ``.venv`` exists.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
MIN_PYTHON = (3, 11)

OK, WARN, FAIL = "ok", "warn", "FAIL"

SERVER_PROBE = """
import asyncio, time, urllib.request
from shared import DevServer

async def main():
    began = time.monotonic()
    server = DevServer(None)
    await server.start()
    try:
        with urllib.request.urlopen(server.ui_url, timeout=10) as page:
            assert page.status == 200
    finally:
        server.stop()
    print(f"{time.monotonic() - began:.1f}")

asyncio.run(main())
"""
"""Start the embedded server as a kernel would, load its Web UI, stop it, and print the seconds it took."""

IMPORT_PROBE = (
    "import importlib.metadata as m, temporalio.openai_agents, agents, shared, recipes; "
    "print(m.version('temporalio'), m.version('openai-agents'))"
)


@dataclass
class Check:
    """One line of the report: a verdict, what was found and, when something is wrong, the fix."""

    verdict: str
    what: str
    fix: str = ""


def check_python(version: tuple[int, ...], executable: str) -> Check:
    """The Python that builds ``.venv`` must be 3.11 or newer."""
    shown = ".".join(map(str, version[:3]))
    if tuple(version[:2]) >= MIN_PYTHON:
        return Check(OK, f"Python {shown} ({executable})")
    return Check(
        FAIL,
        f"Python {shown} ({executable}) is too old; the cookbook needs 3.11 or newer",
        "install Python 3.12, then: make doctor PYTHON=python3.12",
    )


def check_venv(root: Path) -> Check:
    """``.venv`` exists and was installed from the current requirements."""
    stamp = root / ".venv" / ".installed"
    if not (root / ".venv" / "bin" / "python").exists():
        return Check(FAIL, ".venv does not exist yet", "make install")
    if not stamp.exists():
        return Check(FAIL, ".venv exists but its install never finished", "make install")
    newest = max((root / name).stat().st_mtime for name in ("requirements.txt", "pyproject.toml"))
    if stamp.stat().st_mtime < newest:
        return Check(FAIL, ".venv is older than requirements.txt or pyproject.toml", "make install")
    return Check(OK, ".venv is installed and up to date")


def check_imports(root: Path, run: Callable[..., subprocess.CompletedProcess]) -> Check:
    """The venv's Python imports the SDKs and the cookbook's own packages."""
    result = run([str(root / ".venv" / "bin" / "python"), "-c", IMPORT_PROBE], cwd=root, timeout=60)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return Check(FAIL, f".venv cannot import the cookbook's packages: {reason}", "make clean && make install")
    temporalio, agents = result.stdout.split()
    return Check(OK, f"temporalio {temporalio}, openai-agents {agents}, shared and recipes import")


def check_binaries(root: Path, run: Callable[..., subprocess.CompletedProcess]) -> Check:
    """The ``temporal`` CLI and the time-skipping test server are installed in ``.venv``."""
    cli, test_server = root / ".venv" / "bin" / "temporal", root / ".venv" / "bin" / "temporal-test-server"
    missing = [p.name for p in (cli, test_server) if not os.access(p, os.X_OK)]
    if missing:
        return Check(FAIL, f"not installed in .venv/bin: {', '.join(missing)}", "make clean && make install")
    result = run([str(cli), "--version"], timeout=30)
    if result.returncode != 0:
        return Check(FAIL, f"`temporal --version` failed: {result.stderr.strip()[:100]}", "make clean && make install")
    return Check(OK, f"{result.stdout.strip()}, and temporal-test-server")


def check_server(root: Path, run: Callable[..., subprocess.CompletedProcess]) -> Check:
    """The embedded dev server starts, answers, serves its Web UI, and stops."""
    result = run([str(root / ".venv" / "bin" / "python"), "-c", SERVER_PROBE], cwd=root, timeout=60)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return Check(FAIL, f"the embedded dev server did not start: {reason}", "make clean && make install")
    return Check(OK, f"the embedded dev server starts and serves its Web UI ({result.stdout.strip()} s)")


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether nothing listens on ``host:port``."""
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def check_ports(env: Mapping[str, str]) -> list[Check]:
    """Loopback ports: the embedded server takes any free ones; a few fixed ones matter too."""
    try:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
    except OSError as err:
        return [Check(FAIL, f"cannot open a port on 127.0.0.1 ({err})", "check your firewall or container settings")]
    fixed = [
        (8888, "JupyterLab's usual port", "JupyterLab picks the next free port; use the URL it prints"),
        (7233, "the examples' default Temporal address (temporal server start-dev)",
         "if that is not your own dev server: export TEMPORAL_ADDRESS=127.0.0.1:<its port> before the examples"),
    ]  # fmt: skip
    wanted = env.get("COOKBOOK_UI_PORT", "").strip()
    if wanted.isdigit():
        fixed.append((int(wanted), "COOKBOOK_UI_PORT, the forwarded Web UI port", "stop the kernel holding it"))
    busy = [(port, what, fix) for port, what, fix in fixed if not port_free(port)]
    if not busy:
        return [Check(OK, "free ports on loopback (" + ", ".join(str(p) for p, _, _ in fixed) + " too)")]
    return [Check(WARN, f"port {port} ({what}) is in use", fix) for port, what, fix in busy]


def check_chromium(which: Callable[[str], str | None]) -> Check:
    """Chromium drives the one browser test (notebook 03's approval panel)."""
    found = which("chromium")
    if found:
        return Check(OK, f"Chromium for the browser test ({found})")
    fix = "sudo apt-get install chromium" if sys.platform.startswith("linux") else "install Chromium as `chromium`"
    return Check(WARN, "Chromium not found: `make test` skips the browser test (and says so)", fix)


def reachable(url_or_address: str, timeout: float = 2.0) -> bool:
    """Whether a TCP connection to the URL's or address's host and port opens within the timeout."""
    parsed = urlparse(url_or_address if "://" in url_or_address else f"tcp://{url_or_address}")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        socket.create_connection((parsed.hostname or "", port), timeout=timeout).close()
    except OSError:
        return False
    return True


def check_model(env: Mapping[str, str], can_reach: Callable[[str], bool]) -> Check:
    """Which model the notebooks will use, the same rule as ``shared.select_model``."""
    base_url, key = env.get("OPENAI_BASE_URL", "").strip(), env.get("OPENAI_API_KEY", "").strip()
    model = env.get("OPENAI_MODEL", "").strip()
    if base_url:
        if not model:
            return Check(
                FAIL, f"OPENAI_BASE_URL is set ({base_url}) but OPENAI_MODEL is not", "export OPENAI_MODEL=llama3.2"
            )
        if not can_reach(base_url):
            return Check(
                FAIL,
                f"model: {model} at {base_url}, but nothing answers there",
                "start that server (e.g. ollama serve), or: unset OPENAI_BASE_URL",
            )
        return Check(OK, f"model: {model} on the OpenAI-compatible server at {base_url} (make test stays offline)")
    if key:
        model = model or "gpt-4o-mini"
        if not can_reach("https://api.openai.com"):
            return Check(WARN, f"model: OpenAI {model}, but api.openai.com is unreachable", "unset OPENAI_API_KEY")
        return Check(OK, f"model: OpenAI {model} (make test stays offline)")
    return Check(OK, "model: the offline stand-in (set OPENAI_API_KEY or OPENAI_BASE_URL for a real one)")


def check_temporal_address(env: Mapping[str, str], can_reach: Callable[[str], bool]) -> Check | None:
    """With ``TEMPORAL_ADDRESS`` set, the notebooks use that cluster instead of the embedded server."""
    address = env.get("TEMPORAL_ADDRESS", "").strip()
    if not address:
        return None
    if not can_reach(address):
        return Check(FAIL, f"TEMPORAL_ADDRESS={address}, but nothing answers there", "unset TEMPORAL_ADDRESS")
    return Check(OK, f"Temporal at {address} (TEMPORAL_ADDRESS); make test still uses the embedded server")


def run_checks(root: Path, python: tuple[int, ...], executable: str, env: Mapping[str, str]) -> list[Check]:
    """Every check, in order; the venv's checks only when the venv is usable."""

    def run(argv: list[str], **kwargs: object) -> subprocess.CompletedProcess:
        return subprocess.run(argv, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]

    checks = [check_python(python, executable), venv := check_venv(root)]
    if venv.verdict == OK:
        checks += [check_imports(root, run), check_binaries(root, run)]
        if all(c.verdict == OK for c in checks):
            checks.append(check_server(root, run))
    checks += check_ports(env)
    checks.append(check_chromium(shutil.which))
    checks.append(check_model(env, reachable))
    address = check_temporal_address(env, reachable)
    return checks + ([address] if address else [])


def report(checks: list[Check], seconds: float) -> str:
    """The report: one line per check, the fix under each problem, and a verdict."""
    lines = ["Durable Agents Cookbook: pre-flight check"]
    for check in checks:
        lines.append(f"  {check.verdict:<4}  {check.what}")
        if check.fix:
            lines.append(f"        fix: {check.fix}")
    failed = sum(c.verdict == FAIL for c in checks)
    warned = sum(c.verdict == WARN for c in checks)
    tally = f"{_count(failed, 'problem')}, {_count(warned, 'warning')}, {seconds:.1f} s"
    if failed:
        lines.append(f"Not ready ({tally}): run each fix above, then `make doctor` again.")
    else:
        lines.append(f"Ready ({tally}): `make lab` to learn, `make test` to check everything.")
    return "\n".join(lines)


def _count(n: int, noun: str) -> str:
    return f"{n or 'no'} {noun}{'' if n == 1 else 's'}"


def main() -> int:
    """Run the checks and print the report; exit 1 if anything must be fixed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to check (default: this one)")
    args = parser.parse_args()
    began = time.monotonic()
    checks = run_checks(args.root.resolve(), tuple(sys.version_info), sys.executable, os.environ)
    print(report(checks, time.monotonic() - began))
    return 1 if any(c.verdict == FAIL for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
