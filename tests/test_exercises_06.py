"""Notebook 06's exercises: each check passes on the solution and fails on the unedited starter."""

from __future__ import annotations

from types import ModuleType

from bench import Growth, Harness, HistoryShape
from bench.history_growth import Turn
from bench.setups import DEFAULTS
from tests.exercises import solution_and_starter

EX = "ex06_durability_costs"


def growth(*sizes: int) -> Growth:
    return Growth("test", None, [Turn(i, 1, size, 20 * i, 0) for i, size in enumerate(sizes, start=1)])


@solution_and_starter(EX, starter_fails_with="still the defaults")
async def test_exercise_1_the_high_volume_setup_runs_model_calls_locally_and_the_tool_as_an_activity(
    ex: ModuleType, harness: Harness
) -> None:
    shape = await HistoryShape.of(await harness.run_agent_handle(ex.high_volume_setup()))
    assert shape.local_activities > 0, "the model calls still run as Activities: is this still the defaults?"
    assert (shape.local_activities, shape.activities, shape.workflow_tasks) == (4, 3, 4)


@solution_and_starter(EX)
async def test_exercise_2_activity_waits_has_one_wait_per_activity(ex: ModuleType, harness: Harness) -> None:
    handle = await harness.run_agent_handle(DEFAULTS)
    waits = await ex.activity_waits(handle)
    assert len(waits) == 7 and all(w >= 0 for w in waits)


@solution_and_starter(EX)
def test_exercise_3_turns_per_run_under_finds_the_last_turn_within_budget(ex: ModuleType) -> None:
    chat = growth(1_000, 3_000, 6_000, 10_000)
    assert ex.turns_per_run_under(chat, 6_500) == 3
    assert ex.turns_per_run_under(chat, 500) == 0
    assert ex.turns_per_run_under(chat, 50_000) == 4
