"""Notebook 06's exercises: each check passes on the solution and fails on the unedited starter."""

from __future__ import annotations

from types import ModuleType

from bench import Harness, HistoryShape
from bench.setups import ALL_LOCAL, DEFAULTS, LOCAL_MODEL_CALLS
from tests.exercises import solution_and_starter

EX = "ex06_durability_costs"


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
    assert len(waits) == 7, f"expected one wait per Activity (7), got {len(waits)}: pair ACTIVITY_TASK_STARTED events"
    assert all(w >= 0 for w in waits)


@solution_and_starter(EX)
async def test_exercise_3_markers_per_workflow_task_shows_what_a_crash_repeats(
    ex: ModuleType, harness: Harness
) -> None:
    counts = await ex.markers_per_workflow_task(await harness.run_agent_handle(LOCAL_MODEL_CALLS))
    assert counts == [1, 1, 1, 1], f"expected one marker in each of 4 Workflow Tasks, got {counts}"
    counts = await ex.markers_per_workflow_task(await harness.run_agent_handle(ALL_LOCAL))
    assert counts == [7], f"expected all 7 markers in the one Workflow Task, got {counts}"
