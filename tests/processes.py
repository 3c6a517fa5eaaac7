"""Checks that no process the cookbook starts is left behind."""

from __future__ import annotations

import asyncio
import time


def pid_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


async def wait_until_gone(pid: int, timeout: float = 15) -> bool:
    """Poll until the process is gone; False if it is still there at the deadline."""
    deadline = time.monotonic() + timeout
    while pid_alive(pid):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True
