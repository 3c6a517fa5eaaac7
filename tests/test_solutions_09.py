"""Notebook 09's exercises: each solution passes its check, and each unedited starter fails the same check.

The checks run real Workflows on the embedded server: a history written
under the old key, read after the rotation; a chat whose model inputs all go
to the claim-check store while its messages stay inline; a traced run whose
tool span carries the city.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import ModuleType

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client
from temporalio.converter import DataConverter

from recipes.chat_agent import ACTIVITIES as CHAT_ACTIVITIES
from recipes.chat_agent import ChatAgentWorkflow, ChatInput
from recipes.chat_growth import measure_growth
from recipes.weather_agent import ACTIVITIES, WORKFLOWS, WeatherAgentWorkflow
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
from shared.codec import KEY_ID, parse_key
from shared.codec import new_key as new_key_text

SOLUTION = "recipes.solutions.ex09_production"
STARTER = "recipes.exercises.ex09_production"

Check = Callable[[ModuleType, Connection, str, Path], Awaitable[None]]


async def rotate_the_key(module: ModuleType, conn: Connection, task_queue: str, tmp_path: Path) -> None:
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
    rotated = module.RotatingCodec(new_key, [old_key])
    rotated_client = await Client.connect(
        conn.client.service_client.config.target_host,
        plugins=[agents_plugin()],
        data_converter=DataConverter(payload_codec=rotated),
    )
    table = await history_table(rotated_client.get_workflow_handle(handle.id))
    assert table.count("tool", "get_weather") == 1
    [sealed] = await rotated.encode([Payload(data=b'"new"')])
    assert sealed.metadata[KEY_ID] == EncryptionCodec(new_key).key_id.encode(), "new payloads use the new key"


async def move_the_threshold(module: ModuleType, conn: Connection, task_queue: str, tmp_path: Path) -> None:
    """Every model-call input is a claim; every message the user sent stays inline."""
    stored = await setup(external_storage=module.chat_claim_check(tmp_path / "blobs"), quiet=True)
    worker = await start_worker(
        stored.client, task_queue=task_queue, workflows=[ChatAgentWorkflow], activities=CHAT_ACTIVITIES
    )
    try:
        growth = await measure_growth(
            stored.client, "exercise", ChatAgentWorkflow.run, ChatInput(), task_queue=task_queue,
            workflow_id=f"threshold-{uuid.uuid4().hex[:8]}", turns=3, message_size=module.MESSAGE_SIZE,
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
    assert all(p.external_payloads for p in model_inputs), "every model-call input goes to the store"
    assert not any(p.external_payloads for p in messages), "the user's messages stay in the history"


async def add_a_span_attribute(module: ModuleType, conn: Connection, task_queue: str, tmp_path: Path) -> None:
    """The tool's span records the city it looked up."""
    traced = await setup(tracing=True, quiet=True)
    tracing = start_tracing()
    tracing.clear()
    worker = await start_worker(
        traced.client,
        task_queue=task_queue,
        workflows=[module.TracedWeatherWorkflow],
        activities=[module.get_weather_traced],
    )
    try:
        with trace_request(traced.client, "Weather request"):
            await traced.client.execute_workflow(
                module.TracedWeatherWorkflow.run, "What's the weather in Tokyo?", id=f"attr-{uuid.uuid4().hex[:8]}",
                task_queue=task_queue,
            )  # fmt: skip
    finally:
        await worker.stop()
    cities = [s.attributes.get("weather.city") for s in tracing.spans() if "weather.city" in (s.attributes or {})]
    assert cities == ["Tokyo"]


CHECKS = [rotate_the_key, move_the_threshold, add_a_span_attribute]


@pytest.fixture(autouse=True)
def never_export_traces(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tracing turns Agents SDK traces on for the process; restore the tests' setting afterwards."""
    monkeypatch.setenv("OPENAI_AGENTS_DISABLE_TRACING", "1")


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
async def test_the_solution_passes(check: Check, conn: Connection, task_queue: str, tmp_path: Path):
    await check(importlib.import_module(SOLUTION), conn, task_queue, tmp_path)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
async def test_the_unedited_starter_does_not(check: Check, conn: Connection, task_queue: str, tmp_path: Path):
    with pytest.raises((AssertionError, CookbookError)):
        await check(importlib.import_module(STARTER), conn, task_queue, tmp_path)
