"""Checks that no process the cookbook starts is left behind."""

from __future__ import annotations

import asyncio
import os
import time


def pid_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def wait_gone(pids: set[int], timeout: float = 20) -> set[int]:
    """Poll until every process is gone; return those still alive at the deadline."""
    deadline = time.monotonic() + timeout
    while (left := {pid for pid in pids if pid_alive(pid)}) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    return left


async def wait_until_gone(pid: int, timeout: float = 15) -> bool:
    """Poll until the process is gone; False if it is still there at the deadline."""
    return not await wait_gone({pid}, timeout)


def children_running(parent: int, needle: str) -> set[int]:
    """Pids of the live child processes of ``parent`` whose command line contains ``needle``."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                command = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue
        if ppid == parent and needle in command and pid_alive(int(entry)):
            found.add(int(entry))
    return found
