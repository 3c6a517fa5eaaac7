"""``make wheelhouse``: every wheel ``make install`` needs, for the machines a room brings, in one folder.

A workshop room may have no internet, and ``make install`` needs the package index. On a machine that has it,
``make wheelhouse`` downloads the wheels of ``requirements.txt`` with their dependencies, of the build backend in
``pyproject.toml`` (``-e .`` is built) and of pip itself (``make install`` upgrades pip), for each platform and
Python below, into one folder. ``make install WHEELHOUSE=that/folder`` then installs from it alone. pip picks each
machine's wheels from the folder by their tags, so one folder serves every machine.

For each platform and Python it prints a line for each package that has no wheel there, then checks, with pip and
no index, that the folder alone installs everything there, and prints the size of what it installs. Exit status 1
if a platform and Python is incomplete: the room's machines of that kind could not install offline.

Standard library only; it runs pip with the interpreter that runs it (``make wheelhouse`` uses ``.venv``'s).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

ROOT = Path(__file__).resolve().parent.parent

PYTHONS = ("3.11", "3.12")
"""The oldest Python the cookbook supports (Debian 12's python3), and the one it recommends (the devcontainer's,
Ubuntu 24.04's). The Python that runs this script is added, so the machine that builds the folder can use it too."""

GLIBC_MINOR = 28
"""Linux wheels for glibc 2.28 or newer: Ubuntu 20.04, Debian 10, RHEL 8 and any WSL distribution since."""


@dataclass(frozen=True)
class Platform:
    """A kind of machine a room brings: the wheel tags it takes, and the environment markers it has."""

    name: str
    tags: tuple[str, ...]
    system: str
    machine: str


def manylinux_tags(arch: str) -> tuple[str, ...]:
    """The tags of a Linux with glibc ``2.GLIBC_MINOR``: pip does not expand ``manylinux_2_NN`` to older ones."""
    return (*(f"manylinux_2_{minor}_{arch}" for minor in range(GLIBC_MINOR, 16, -1)), f"manylinux2014_{arch}")


PLATFORMS = {
    p.name: p
    for p in [
        Platform("linux-x86_64", manylinux_tags("x86_64"), "Linux", "x86_64"),
        Platform("linux-aarch64", manylinux_tags("aarch64"), "Linux", "aarch64"),
        # pip expands a macOS tag to the older versions and to universal2 itself. macOS 11 is the first for arm64.
        Platform("macos-arm64", ("macosx_11_0_arm64",), "Darwin", "arm64"),
        Platform("macos-x86_64", ("macosx_11_0_x86_64",), "Darwin", "x86_64"),
    ]
}
"""Windows laptops run the cookbook in WSL, which is Linux."""

PIP_AS_TARGET = """
import json, sys
from pip._vendor.packaging import markers
environment = json.loads(sys.argv[1])
markers.default_environment = lambda: dict(environment)
from pip._internal.cli.main import main
sys.exit(main(sys.argv[2:]))
"""
"""pip, with the target's environment markers. ``--platform`` and ``--python-version`` choose wheels, but pip
evaluates markers such as ``appnope; platform_system == "Darwin"`` for the machine it runs on (pypa/pip#11664): without
this, a wheelhouse built on Linux would lack what only macOS needs, and one built on 3.13 what only 3.11 needs."""

NO_WHEEL = re.compile(r"No matching distribution found for (\S+)")


@dataclass(frozen=True)
class Target:
    """One platform and one Python version."""

    platform: Platform
    python: str

    def __str__(self) -> str:
        return f"{self.platform.name}, Python {self.python}"

    def markers(self) -> dict[str, str]:
        """Its environment markers (PEP 508), as far as its platform and Python version tell them."""
        here = ".".join(platform.python_version_tuple()[:2]) == self.python
        version = platform.python_version() if here else f"{self.python}.0"
        return {
            "implementation_name": "cpython",
            "implementation_version": version,
            "os_name": "posix",
            "platform_machine": self.platform.machine,
            "platform_python_implementation": "CPython",
            "platform_release": "",
            "platform_system": self.platform.system,
            "platform_version": "",
            "python_full_version": version,
            "python_version": self.python,
            "sys_platform": self.platform.system.lower(),
        }


def requirements(root: Path) -> list[str]:
    """What ``make install`` installs: pip, the project's build backend, and requirements.txt (one per line)."""
    build = tomllib.loads((root / "pyproject.toml").read_text())["build-system"]["requires"]
    pins = [line.split("#")[0].strip() for line in (root / "requirements.txt").read_text().splitlines()]
    return ["pip", *build, *filter(None, pins)]


def project_name(requirement: str) -> str:
    """A requirement's project name, normalised (PEP 503): ``Jupyter_Client>=8`` is ``jupyter-client``."""
    return re.sub(r"[-_.]+", "-", re.split(r"[\s=<>!~;\[@]", requirement, maxsplit=1)[0]).lower()


def pip_for(target: Target, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``pip ARGS`` for the target: its wheels only, and its environment markers."""
    tags = [arg for tag in target.platform.tags for arg in ("--platform", tag)]
    command = [sys.executable, "-c", PIP_AS_TARGET, json.dumps(target.markers()), *args]
    command += ["--only-binary=:all:", *tags, "--python-version", target.python, "--implementation", "cp"]
    return subprocess.run(command, capture_output=True, text=True, env=env)


def download(target: Target, dest: Path, wanted: list[str]) -> list[str]:
    """Download the target's wheels into ``dest``; return the requirements that have no wheel for it.

    One of ``wanted`` without a wheel is left out and the rest downloaded; a dependency without one ends it.
    """
    missing: list[str] = []
    while True:
        result = pip_for(target, "download", "--progress-bar", "off", "--dest", str(dest), *wanted)
        if result.returncode == 0:
            return missing
        found = NO_WHEEL.search(result.stderr)
        if not found:
            raise SystemExit(f"pip download failed for {target}:\n{result.stderr.strip()}")
        missing.append(found.group(1))
        kept = [r for r in wanted if project_name(r) != project_name(found.group(1))]
        if len(kept) == len(wanted):  # a dependency's: nothing more resolves without it
            return missing
        wanted = kept


def offline_install(target: Target, dest: Path, wanted: list[str]) -> list[Path] | str:
    """The wheels pip would install for the target from ``dest`` alone, or why it cannot.

    pip resolves with no index and no configuration (``--isolated``, no config file): only ``dest`` counts.
    """
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull}
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        result = pip_for(
            target, "install", "--isolated", "--dry-run", "--ignore-installed", "--no-index", "--find-links",
            str(dest), "--target", str(Path(scratch) / "target"), "--report", str(report), *wanted, env=env,
        )  # fmt: skip
        if result.returncode != 0:
            return (result.stderr.strip().splitlines() or ["pip said nothing"])[-1]
        installs = json.loads(report.read_text())["install"]
    return [Path(url2pathname(urlparse(item["download_info"]["url"]).path)) for item in installs]


def build(dest: Path, targets: list[Target], root: Path = ROOT) -> bool:
    """Fill ``dest`` for every target and print what each gets; True if every target can install from it."""
    dest.mkdir(parents=True, exist_ok=True)
    complete = True
    for target in targets:
        for requirement in download(target, dest, requirements(root)):
            print(f"no wheel: {requirement} for {target}")
        wheels = offline_install(target, dest, requirements(root))
        if isinstance(wheels, str):
            complete = False
            print(f"INCOMPLETE {target}: this folder cannot install the cookbook there ({wheels})")
        else:
            print(f"ok {target}: {sum(w.stat().st_size for w in wheels) / 1e6:.0f} MB in {len(wheels)} wheels")
    every = list(dest.glob("*.whl"))
    print(f"{dest}: {sum(w.stat().st_size for w in every) / 1e6:.0f} MB in {len(every)} wheels for them all")
    return complete


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, fill the folder, and return the exit status."""
    this = ".".join(platform.python_version_tuple()[:2])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0].replace("``", ""))
    parser.add_argument("dest", type=Path, help="the folder to fill (created if missing; wheels already there stay)")
    parser.add_argument("--platform", nargs="+", choices=sorted(PLATFORMS), default=list(PLATFORMS))
    parser.add_argument("--python", nargs="+", default=sorted({*PYTHONS, this}), help="default: %(default)s")
    args = parser.parse_args(argv)
    return 0 if build(args.dest, [Target(PLATFORMS[p], python) for p in args.platform for python in args.python]) else 1


if __name__ == "__main__":
    sys.exit(main())
