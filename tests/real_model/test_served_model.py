"""Notebook 01's weather agent against a real model, through the cookbook's own path: setup, a Worker, the history.

``make test-real-model`` serves Qwen2.5-Coder-1.5B with llama.cpp (``tools/real_model.py run``) and runs
these tests with ``OPENAI_BASE_URL`` and ``OPENAI_MODEL`` pointing at it. They are not part of
``make test``: ``tests/conftest.py`` leaves this folder out of ``pytest tests``, and naming it
(``pytest tests/real_model``) runs it. Without a served model they fail, never skip, so a broken
``make test-real-model`` cannot pass by running nothing.
"""

from __future__ import annotations

import os
import uuid

import pytest

from recipes.nb01_durable_agent import weather_agent
from shared import Connection, HistoryTable, history_table, start_worker


def require_served_model(conn: Connection) -> None:
    """Fail with one line unless the session's client talks to the served model."""
    if not os.environ.get("OPENAI_BASE_URL"):  # pytest.fail, not assert: the assertion would print the environment
        pytest.fail(
            "OPENAI_BASE_URL is not set: run `make test-real-model`, or export OPENAI_BASE_URL and OPENAI_MODEL "
            "for a server started with `python tools/real_model.py serve`.",
            pytrace=False,
        )
    assert not conn.model.offline, conn.model.description
    assert os.environ.get("OPENAI_MODEL", "?") in conn.model.description, conn.model.description


async def run_weather_agent(conn: Connection, task_queue: str, prompt: str) -> tuple[str, HistoryTable]:
    """Run notebook 01's Workflow on a Worker hosting its module; return the answer and the Event History's table."""
    worker = await start_worker(conn.client, weather_agent, task_queue=task_queue)
    try:
        handle = await conn.client.start_workflow(
            weather_agent.WeatherAgentWorkflow.run, prompt, id=f"real-model-{uuid.uuid4()}", task_queue=task_queue
        )
        return await handle.result(), await history_table(handle)
    finally:
        await worker.stop()


def completed(table: HistoryTable, kind: str) -> list[str]:
    """The results of the steps of this kind; a step that failed, timed out or still runs shows as such."""
    return [step.result for step in table.steps if step.kind == kind]


async def test_the_weather_tool_runs_once_as_an_activity(conn: Connection, task_queue: str) -> None:
    require_served_model(conn)
    answer, table = await run_weather_agent(conn, task_queue, "What's the weather in Lima?")

    print(table)  # shown with -v -s, or when the test fails
    tools = [step for step in table.steps if step.kind == "tool"]
    assert [step.name for step in tools] == ["get_weather"], f"the model called {[s.name for s in tools]}"
    assert "Lima" in tools[0].result and "Overcast" in tools[0].result, tools[0].result
    model_calls = completed(table, "model call")
    assert len(model_calls) == 2, "one call that asks for the tool, one that answers with its result"
    assert not any(r == "running" or r.startswith(("failed", "timed out")) for r in model_calls), model_calls
    assert "18" in answer or "overcast" in answer.lower(), f"the answer does not use the tool's result: {answer!r}"


async def test_two_cities_are_asked_for_in_one_model_call(conn: Connection, task_queue: str) -> None:
    require_served_model(conn)
    answer, table = await run_weather_agent(conn, task_queue, "What's the weather in Lima and in Tokyo?")

    print(table)
    results = sorted(step.result for step in table.steps if step.kind == "tool" and step.name == "get_weather")
    assert len(results) == 2 and "Lima" in results[0] and "Tokyo" in results[1], results
    assert len(completed(table, "model call")) == 2, "both calls in one reply (parallel tool calls), then the answer"


async def test_a_question_that_needs_no_tool_calls_none(conn: Connection, task_queue: str) -> None:
    require_served_model(conn)
    answer, table = await run_weather_agent(conn, task_queue, "Say hello to me in French, in one short sentence.")

    print(table)
    assert table.count("tool") == 0, "the model called a tool for a greeting"
    assert len(completed(table, "model call")) == 1
    assert answer.strip(), "an empty answer"
