"""Notebook 01's exercises: each check passes on the solution and fails on the unedited starter."""

from __future__ import annotations

import uuid
from types import ModuleType

from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow, get_weather
from shared import Connection, history_table, running_workers, start_worker
from tests.exercises import solution_and_starter, within

EX = "ex01_durable_agent"


@solution_and_starter(EX)
async def test_exercise_1_predict_the_three_city_history(ex: ModuleType, conn: Connection, task_queue: str) -> None:
    worker = await start_worker(
        conn.client, task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=[get_weather]
    )
    try:
        handle = await conn.client.start_workflow(
            WeatherAgentWorkflow.run, ex.THREE_CITIES_PROMPT, id=f"ex1-{uuid.uuid4()}", task_queue=task_queue
        )
        answer = await within(handle.result(), 30, "the three-city answer")
        table = await history_table(handle)
    finally:
        await worker.stop()
    assert all(city in answer for city in ("Lima", "Paris", "Tokyo"))
    assert table.count("model call") == ex.EXPECTED_MODEL_CALLS, "model calls: check your prediction"
    assert table.count("tool", "get_weather") == ex.EXPECTED_TOOL_CALLS, "tool calls: check your prediction"


@solution_and_starter(EX)
async def test_exercise_2_a_second_tool_runs_when_the_prompt_needs_it(
    ex: ModuleType, conn: Connection, task_queue: str
) -> None:
    worker = await start_worker(conn.client, ex, task_queue=task_queue)
    try:
        handle = await conn.client.start_workflow(
            ex.WeatherAndTimeWorkflow.run,
            "What's the weather and the local time in Tokyo?",
            id=f"ex2-{uuid.uuid4()}",
            task_queue=task_queue,
        )
        answer = await within(handle.result(), 30, "the answer")
        table = await history_table(handle)
    finally:
        await worker.stop()
    assert table.count("tool", "get_weather") == 1
    assert table.count("tool", "get_local_time") == 1, "the agent never called get_local_time: is it one of its tools?"
    assert "UTC+9" in answer


@solution_and_starter(EX)
async def test_exercise_3_rerunning_the_worker_cell_leaves_one_worker(
    ex: ModuleType, conn: Connection, task_queue: str
) -> None:
    try:
        counted = await ex.rerun_worker_cell(conn.client, task_queue, times=3)
        polling = [w for w in running_workers() if w.task_queue == task_queue]
    finally:
        for worker in running_workers():
            if worker.task_queue == task_queue:
                await worker.stop()
    assert len(polling) == 1, f"{len(polling)} Workers poll the queue after three starts; expected exactly one"
    assert counted == 1
