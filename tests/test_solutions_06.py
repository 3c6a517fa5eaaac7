"""Notebook 06's exercise solutions do what the notebook says, and the unedited starters do not."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bench import Growth, Harness, HistoryShape
from bench.history_growth import Turn
from bench.setups import DEFAULTS
from recipes.exercises import ex06_durability_costs as starters
from recipes.solutions import ex06_durability_costs as solutions
from shared import Connection


@pytest.fixture
async def harness(conn: Connection) -> AsyncIterator[Harness]:
    async with Harness() as h:
        yield h


def growth(*sizes: int) -> Growth:
    return Growth("test", None, [Turn(i, 1, size, 20 * i, 0) for i, size in enumerate(sizes, start=1)])


async def test_the_high_volume_setup_runs_model_calls_locally_and_the_tool_as_an_activity(harness: Harness) -> None:
    shape = await HistoryShape.of(await harness.run_agent_handle(solutions.high_volume_setup()))
    assert (shape.local_activities, shape.activities, shape.workflow_tasks) == (4, 3, 4)


async def test_the_high_volume_starter_is_still_the_defaults(harness: Harness) -> None:
    shape = await HistoryShape.of(await harness.run_agent_handle(starters.high_volume_setup()))
    assert shape.local_activities == 0


async def test_activity_waits_has_one_wait_per_activity(harness: Harness) -> None:
    handle = await harness.run_agent_handle(DEFAULTS)
    waits = await solutions.activity_waits(handle)
    assert len(waits) == 7 and all(w >= 0 for w in waits)
    assert await starters.activity_waits(handle) != waits


def test_turns_per_run_under_finds_the_last_turn_within_budget() -> None:
    chat = growth(1_000, 3_000, 6_000, 10_000)
    assert solutions.turns_per_run_under(chat, 6_500) == 3
    assert solutions.turns_per_run_under(chat, 500) == 0
    assert solutions.turns_per_run_under(chat, 50_000) == 4
    assert starters.turns_per_run_under(chat, 6_500) != 3
