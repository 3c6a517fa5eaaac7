"""``make doctor``: each check names the problem and the one command that fixes it; the whole run is quick."""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("doctor", ROOT / "tools" / "doctor.py")
assert _spec is not None and _spec.loader is not None
doctor = sys.modules["doctor"] = importlib.util.module_from_spec(_spec)  # a script, not a package: load it by path
_spec.loader.exec_module(doctor)

OFFLINE = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "TEMPORAL_", "COOKBOOK_"))}


def run_doctor(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "tools" / "doctor.py"), *args],
        env=env or OFFLINE, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_this_checkout_is_ready() -> None:
    result = run_doctor()
    assert result.returncode == 0, result.stdout
    lines = result.stdout.splitlines()
    assert lines[0] == "Durable Agents Cookbook: pre-flight check"
    assert any("the embedded dev server starts and serves its Web UI" in line for line in lines)
    assert any("model: the offline stand-in" in line for line in lines)
    assert lines[-1].startswith("Ready (no problems, ")


def test_a_checkout_without_a_venv_says_make_install(tmp_path: Path) -> None:
    for name in ("requirements.txt", "pyproject.toml"):
        (tmp_path / name).write_text("")
    result = run_doctor("--root", str(tmp_path))
    assert result.returncode == 1
    assert "  FAIL  .venv does not exist yet\n        fix: make install\n" in result.stdout
    assert "dev server" not in result.stdout, "checks that need the venv are not attempted"
    assert result.stdout.splitlines()[-1].startswith("Not ready (1 problem, ")


def test_python_too_old() -> None:
    check = doctor.check_python((3, 10, 12), "/usr/bin/python3")
    assert check.verdict == doctor.FAIL and check.fix == "install Python 3.12, then: make doctor PYTHON=python3.12"
    assert doctor.check_python((3, 11, 0), "python3").verdict == doctor.OK


def test_a_stale_venv_needs_make_install(tmp_path: Path) -> None:
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").write_text("")
    assert doctor.check_venv(tmp_path).what == ".venv exists but its install never finished"
    (tmp_path / ".venv" / ".installed").write_text("")
    for name in ("requirements.txt", "pyproject.toml"):
        (tmp_path / name).write_text("")
    os.utime(tmp_path / ".venv" / ".installed", (time.time() - 60, time.time() - 60))
    stale = doctor.check_venv(tmp_path)
    assert (stale.verdict, stale.fix) == (doctor.FAIL, "make install")
    os.utime(tmp_path / ".venv" / ".installed")
    assert doctor.check_venv(tmp_path).verdict == doctor.OK


@pytest.mark.parametrize(
    ("env", "reachable", "verdict", "fix"),
    [
        ({}, False, "ok", ""),
        ({"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}, True, "FAIL", "export OPENAI_MODEL=llama3.2"),
        (
            {"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "OPENAI_MODEL": "llama3.2"},
            False,
            "FAIL",
            "start that server (e.g. ollama serve), or: unset OPENAI_BASE_URL",
        ),
        ({"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "OPENAI_MODEL": "llama3.2"}, True, "ok", ""),
        ({"OPENAI_API_KEY": "sk-test"}, False, "warn", "unset OPENAI_API_KEY"),
        ({"OPENAI_API_KEY": "sk-test"}, True, "ok", ""),
    ],
    ids=["offline", "compatible-no-model", "compatible-down", "compatible", "openai-unreachable", "openai"],
)
def test_the_model_mode(env: dict[str, str], reachable: bool, verdict: str, fix: str) -> None:
    check = doctor.check_model(env, lambda _: reachable)
    assert (check.verdict, check.fix) == (verdict, fix)


def test_an_unreachable_temporal_address() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"127.0.0.1:{sock.getsockname()[1]}"  # bound, never listening: connections are refused
        check = doctor.check_temporal_address({"TEMPORAL_ADDRESS": closed}, doctor.reachable)
    assert (check.verdict, check.fix) == (doctor.FAIL, "unset TEMPORAL_ADDRESS")
    assert doctor.check_temporal_address({}, doctor.reachable) is None


def test_missing_chromium_is_a_warning_with_the_install_command() -> None:
    check = doctor.check_chromium(lambda _: None)
    assert check.verdict == doctor.WARN and "skips the browser test" in check.what
    assert check.fix == "sudo apt-get install chromium"


def test_a_busy_forwarded_ui_port_is_a_warning() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        checks = doctor.check_ports({"COOKBOOK_UI_PORT": str(port)})
    assert any(c.verdict == doctor.WARN and f"port {port} (COOKBOOK_UI_PORT" in c.what for c in checks)
