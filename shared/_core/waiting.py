"""One way to wait: poll a check until it holds, with a deadline and a message that says what never happened.

Readiness is awaited, never slept for: every poll loop in the cookbook (the
notebooks, the crash helpers, the approval panel) goes through ``wait_until``.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from shared._core.errors import CookbookError

T = TypeVar("T")


class WaitTimedOut(CookbookError):
    """What ``wait_until`` raises when its deadline passes, so a caller can add what the run was doing."""


POLL_INTERVAL_S = 0.05
"""How often a check runs: often enough to catch a moment, cheap enough for a loaded machine."""


async def wait_until(
    check: Callable[[], T | Awaitable[T]],
    timeout: float = 30.0,
    what: str = "the condition",
    *,
    interval: float = POLL_INTERVAL_S,
) -> T:
    """Call ``check`` (plain or async) until it returns something truthy, and return that.

    Raise ``CookbookError`` naming ``what`` if it is still falsy after
    ``timeout`` seconds. An exception raised by ``check`` ends the wait at once,
    so a check can refuse to keep waiting (for example when the Workflow closed).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value  # type: ignore[return-value]
        if time.monotonic() >= deadline:
            raise WaitTimedOut(f"Waited {timeout:g} s for {what}, and it did not happen.")
        await asyncio.sleep(interval)
