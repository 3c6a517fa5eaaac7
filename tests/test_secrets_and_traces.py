"""An API key that never reaches the history, and replay-safe traces (notebook 10, sections 1 and 3).

The key lives only in a real Worker process's environment; every byte of the
stored history and every decoded payload is searched for it. The traces come
from the integration's OpenTelemetry support on the embedded server: one trace
from the client through the Workflow to model and tool Activities, and a full
replay of the run adds not one span.
"""

from __future__ import annotations

import os
import secrets
import uuid

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import WorkflowFailureError
from temporalio.worker import Replayer

from recipes.nb01_durable_agent.weather_agent import ACTIVITIES, WORKFLOWS, WeatherAgentWorkflow
from recipes.nb10_agents_in_production.flight_agent import ACTIVITIES as FLIGHT_ACTIVITIES
from recipes.nb10_agents_in_production.flight_agent import API_KEY_ENV, FlightAgentWorkflow
from recipes.nb10_agents_in_production.flight_agent import WORKFLOWS as FLIGHT_WORKFLOWS
from shared import (
    Connection,
    agents_plugin,
    count_in_payloads,
    decode_events,
    history_table,
    setup,
    start_tracing,
    start_worker,
    start_worker_process,
    trace_request,
    waterfall,
)


async def test_the_api_key_is_read_on_the_worker_and_is_nowhere_in_the_history(conn: Connection, task_queue: str):
    assert API_KEY_ENV not in os.environ
    api_key = "flk_" + secrets.token_hex(16)
    worker = await start_worker_process(
        "recipes.nb10_agents_in_production.flight_agent",
        task_queue=task_queue,
        name=task_queue,
        env={API_KEY_ENV: api_key},
    )
    try:
        handle = await conn.client.start_workflow(
            FlightAgentWorkflow.run,
            "Find flights to Lisbon",
            id=f"flights-{uuid.uuid4().hex[:8]}",
            task_queue=task_queue,
        )
        assert "searched with the Worker's API key" in await handle.result()
    finally:
        await worker.stop()
    history = await handle.fetch_history()
    stored = b"".join(event.SerializeToString() for event in history.events)
    assert stored.count(api_key.encode()) == 0
    assert count_in_payloads(await decode_events(history.events, conn.client.data_converter), api_key) == 0
    assert count_in_payloads(history.events, "Lisbon") > 0, "the search itself is there: the grep can find things"


async def test_a_worker_without_the_key_fails_the_tool_once_with_one_clear_line(conn: Connection, task_queue: str):
    worker = await start_worker(
        conn.client, task_queue=task_queue, workflows=FLIGHT_WORKFLOWS, activities=FLIGHT_ACTIVITIES
    )
    workflow_id = f"nokey-{uuid.uuid4().hex[:8]}"
    try:
        with pytest.raises(WorkflowFailureError) as raised:
            await conn.client.execute_workflow(
                FlightAgentWorkflow.run, "Find flights to Porto", id=workflow_id, task_queue=task_queue
            )
    finally:
        await worker.stop()
    cause = raised.value
    while getattr(cause, "cause", None) is not None:
        cause = cause.cause
    assert cause.message == (
        "FLIGHTS_API_KEY is not set on this Worker: set it in the Worker's environment, never in a Workflow input."
    )
    tools = [s for s in (await history_table(conn.client.get_workflow_handle(workflow_id))).steps if s.kind == "tool"]
    assert [(s.name, s.attempt) for s in tools] == [("search_flights", 1)], "no retry: retrying cannot find a key"


async def test_one_trace_runs_from_the_client_to_every_activity_and_a_replay_adds_no_span(
    conn: Connection, task_queue: str, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("OPENAI_AGENTS_DISABLE_TRACING", "1")  # restored after the test: tests never export traces
    # Two Workers that stop in the order they started leave the Agents SDK's trace provider pointing at a stopped
    # Worker's; setup(tracing=True) must trace all the same.
    first, second = [
        await start_worker(conn.client, task_queue=f"{task_queue}-{n}", workflows=WORKFLOWS, activities=ACTIVITIES)
        for n in ("first", "second")
    ]
    await first.stop()
    await second.stop()

    traced = await setup(tracing=True, quiet=True)
    tracing = start_tracing()
    collector = InMemorySpanExporter()  # what the README adds for a real collector: one more exporter
    tracing.provider.add_span_processor(SimpleSpanProcessor(collector))
    tracing.clear()
    worker = await start_worker(traced.client, task_queue=task_queue, workflows=WORKFLOWS, activities=ACTIVITIES)
    try:
        with trace_request(traced.client, "Weather request"):
            handle = await traced.client.start_workflow(
                WeatherAgentWorkflow.run, "What's the weather in Tokyo?", id=f"traced-{uuid.uuid4().hex[:8]}",
                task_queue=task_queue,
            )  # fmt: skip
            await handle.result()
    finally:
        await worker.stop()

    spans = tracing.spans()
    picture = waterfall(spans)
    assert [row.name for row in picture.rows[:3]] == [
        "Weather request",
        "temporal:startWorkflow:WeatherAgentWorkflow",
        "temporal:executeWorkflow",
    ]
    model_calls = (await history_table(handle)).count("model call")
    assert picture.count("model") == 2 * model_calls, "each model call: scheduled in the Workflow, run on a Worker"
    assert picture.count("tool") == 3, "the tool's span, and its Activity scheduled and run"
    assert {row.name for row in picture.rows if row.kind == "workflow"} >= {"Agent workflow", "Weather Assistant"}
    assert len({s.context.span_id for s in spans}) == len(spans), "no span twice"
    assert len(collector.get_finished_spans()) == len(spans), "a second exporter receives every span"

    replayer = Replayer(workflows=WORKFLOWS, plugins=[agents_plugin(tracing=True)])
    await replayer.replay_workflow(await handle.fetch_history())
    assert len(tracing.spans()) == len(spans), "replaying the whole run exports no span again"
