"""The shape of ``shared``: its public names and its one way to wait (tests/test_layout.py checks the layers)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import shared
from shared import CookbookError, wait_until

ROOT = Path(__file__).resolve().parent.parent


def test_every_public_name_is_importable_from_the_top_level():
    assert sorted(shared.__all__) == sorted(set(shared.__all__))
    for name in shared.__all__:
        assert getattr(shared, name) is not None, name


async def test_wait_until_returns_the_first_truthy_value_of_a_plain_or_async_check():
    calls = []

    def plain() -> list[int]:
        calls.append(1)
        return calls if len(calls) >= 3 else []

    async def asynchronous() -> str | None:
        return "ready" if len(calls) >= 3 else None

    assert await wait_until(plain, 5, "three calls", interval=0.01) == [1, 1, 1]
    assert await wait_until(asynchronous, 5, "ready") == "ready"


async def test_wait_until_says_what_never_happened_and_stops_on_an_error():
    started = time.monotonic()
    with pytest.raises(CookbookError, match=r"Waited 0\.2 s for the plan to be ready, and it did not happen\."):
        await wait_until(lambda: False, 0.2, "the plan to be ready", interval=0.01)
    assert time.monotonic() - started < 5

    def refuses() -> bool:
        raise CookbookError("the Workflow closed")

    with pytest.raises(CookbookError, match="the Workflow closed"):
        await wait_until(refuses, 5, "never")
