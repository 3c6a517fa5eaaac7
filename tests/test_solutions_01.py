"""Notebook 01's exercise solutions do what the notebook says they do."""

from __future__ import annotations

import uuid

from recipes.solutions import ex01_durable_agent as solutions
from recipes.weather_agent import WeatherAgentWorkflow, get_weather
from shared import Connection, history_table, running_workers, start_worker


async def test_three_cities_take_four_model_calls_and_three_tool_calls(conn: Connection, task_queue: str) -> None:
    worker = await start_worker(
        conn.client, task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=[get_weather]
    )
    handle = await conn.client.start_workflow(
        WeatherAgentWorkflow.run, solutions.THREE_CITIES_PROMPT, id=f"ex1-{uuid.uuid4()}", task_queue=task_queue
    )
    answer = await handle.result()
    table = await history_table(handle)
    await worker.stop()
    assert table.count("model call") == solutions.EXPECTED_MODEL_CALLS
    assert table.count("tool", "get_weather") == solutions.EXPECTED_TOOL_CALLS
    assert all(city in answer for city in ("Lima", "Paris", "Tokyo"))


async def test_a_second_tool_is_called_when_the_prompt_needs_it(conn: Connection, task_queue: str) -> None:
    worker = await start_worker(
        conn.client,
        task_queue=task_queue,
        workflows=[solutions.WeatherAndTimeWorkflow],
        activities=[get_weather, solutions.get_local_time],
    )
    handle = await conn.client.start_workflow(
        solutions.WeatherAndTimeWorkflow.run,
        "What's the weather and the local time in Tokyo?",
        id=f"ex2-{uuid.uuid4()}",
        task_queue=task_queue,
    )
    answer = await handle.result()
    table = await history_table(handle)
    await worker.stop()
    assert table.count("tool", "get_weather") == 1 and table.count("tool", "get_local_time") == 1
    assert "UTC+9" in answer


async def test_rerunning_the_worker_cell_leaves_one_worker(conn: Connection, task_queue: str) -> None:
    assert await solutions.rerun_worker_cell(conn.client, task_queue, times=3) == 1
    for worker in running_workers():
        if worker.task_queue == task_queue:
            await worker.stop()
