"""Notebook 10's exercises: each check passes on the solution and fails on the unedited starter.

The checks run real Workflows on the embedded server: a history written
under the old key, read after the rotation; a chat whose model inputs all go
to the claim-check store while its messages stay inline; a traced run whose
tool span carries the city.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from types import ModuleType

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.converter import DataConverter

from recipes.nb01_durable_agent.weather_agent import ACTIVITIES, WORKFLOWS, WeatherAgentWorkflow
from recipes.nb04_long_running_agents.chat_agent import ACTIVITIES as CHAT_ACTIVITIES
from recipes.nb04_long_running_agents.chat_agent import ChatAgentWorkflow, ChatInput
from recipes.nb10_agents_in_production.chat_growth import measure_growth
from shared import (
    Connection,
    CookbookError,
    EncryptionCodec,
    agents_plugin,
    history_table,
    setup,
    start_tracing,
    start_worker,
    trace_request,
)
from shared._extras.codec import new_key as new_key_text
from shared._extras.codec import parse_key
from tests.exercises import solution_and_starter

EX = "ex10_production"


@pytest.fixture(autouse=True)
def never_export_traces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tracing turns Agents SDK traces on for the process; restore the tests' setting afterwards."""
    monkeypatch.setenv("OPENAI_AGENTS_DISABLE_TRACING", "1")


@solution_and_starter(EX, starter_fails_with="does not read after the rotation.*TODO 1")
async def test_exercise_1_rotate_the_key(ex: ModuleType, conn: Connection, task_queue: str) -> None:
    """A history written under the old key still reads after the rotation, and new payloads use the new key."""
    old_key, new_key = parse_key(new_key_text(), "old"), parse_key(new_key_text(), "new")
    old = await Client.connect(
        conn.client.service_client.config.target_host,
        plugins=[agents_plugin()],
        data_converter=DataConverter(payload_codec=EncryptionCodec(old_key)),
    )
    worker = await start_worker(old, task_queue=task_queue, workflows=WORKFLOWS, activities=ACTIVITIES)
    try:
        handle = await old.start_workflow(
            WeatherAgentWorkflow.run, "What's the weather in Lima?", id=f"rot-{uuid.uuid4().hex[:8]}",
            task_queue=task_queue,
        )  # fmt: skip
        await handle.result()
    finally:
        await worker.stop()
    rotated = ex.RotatingCodec(new_key, [old_key])
    rotated_client = await Client.connect(
        conn.client.service_client.config.target_host,
        plugins=[agents_plugin()],
        data_converter=DataConverter(payload_codec=rotated),
    )
    try:
        table = await history_table(rotated_client.get_workflow_handle(handle.id))
    except CookbookError as err:  # the codec met a payload it cannot decrypt
        raise AssertionError(
            f"The history from before the rotation does not read after the rotation ({err}). "
            "RotatingCodec.decode should use the key each payload names (TODO 1)."
        ) from None
    assert table.count("tool", "get_weather") == 1
    [sealed] = await rotated.encode([Payload(data=b'"new"')])
    assert sealed.metadata[EncryptionCodec.KEY_ID] == EncryptionCodec(new_key).key_id.encode(), (
        "new payloads use the new key"
    )


@solution_and_starter(EX, starter_fails_with="went to the store.*TODO 2")
async def test_exercise_2_move_the_threshold(ex: ModuleType, conn: Connection, task_queue: str, tmp_path: Path) -> None:
    """Every model-call input is a claim; every message the user sent stays inline."""
    stored = await setup(external_storage=ex.chat_claim_check(tmp_path / "blobs"), quiet=True)
    worker = await start_worker(
        stored.client, task_queue=task_queue, workflows=[ChatAgentWorkflow], activities=CHAT_ACTIVITIES
    )
    try:
        growth = await measure_growth(
            stored.client, "exercise", ChatAgentWorkflow.run, ChatInput(), task_queue=task_queue,
            workflow_id=f"threshold-{uuid.uuid4().hex[:8]}", turns=3, message_size=ex.MESSAGE_SIZE,
        )  # fmt: skip
    finally:
        await worker.stop()
    model_inputs, messages = [], []
    async for event in growth.handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            model_inputs.append(event.activity_task_scheduled_event_attributes.input.payloads[0])
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            messages.append(
                event.workflow_execution_update_accepted_event_attributes.accepted_request.input.args.payloads[0]
            )
    assert len(model_inputs) == len(messages) == 3
    claimed = sum(bool(p.external_payloads) for p in model_inputs)
    assert claimed == 3, (
        f"{claimed} of 3 model-call inputs went to the store: lower the threshold in chat_claim_check (TODO 2)."
    )
    kept = sum(not p.external_payloads for p in messages)
    assert kept == 3, f"Only {kept} of 3 user messages stayed in the history: the threshold is now below a message."


@solution_and_starter(EX, starter_fails_with="weather.city.*TODO 3")
async def test_exercise_3_add_a_span_attribute(ex: ModuleType, conn: Connection, task_queue: str) -> None:
    """The tool's span records the city it looked up."""
    traced = await setup(tracing=True, quiet=True)
    tracing = start_tracing()
    tracing.clear()
    worker = await start_worker(
        traced.client,
        task_queue=task_queue,
        workflows=[ex.TracedWeatherWorkflow],
        activities=[ex.get_weather_traced],
    )
    try:
        with trace_request(traced.client, "Weather request"):
            await traced.client.execute_workflow(
                ex.TracedWeatherWorkflow.run, "What's the weather in Tokyo?", id=f"attr-{uuid.uuid4().hex[:8]}",
                task_queue=task_queue,
            )  # fmt: skip
    finally:
        await worker.stop()
    cities = [s.attributes.get("weather.city") for s in tracing.spans() if "weather.city" in (s.attributes or {})]
    assert cities == ["Tokyo"], (
        f"The tool's span should carry weather.city = 'Tokyo' (spans with it: {cities}): "
        "set it on the current span in get_weather_traced (TODO 3)."
    )
