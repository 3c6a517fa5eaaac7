"""Model calls retry a bounded number of times, whatever ``model_params`` a recipe passes.

Proves: every recipe's ``MODEL_PARAMS`` ends up with an attempt limit once the
plugin is built, and a real history of a recipe whose parameters set no retry
policy at all (notebook 09's streaming agent) schedules its model call with
the cookbook's limit, so a model server that is down ends the run.
"""

from __future__ import annotations

import importlib
import uuid

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

from recipes.nb09_mcp_and_streaming.streaming_agent import MODEL_PARAMS, TripPlannerWorkflow
from shared import MODEL_RETRY_POLICY, Connection, agents_plugin, start_worker
from shared._core.models import bounded

RECIPES_WITH_MODEL_PARAMS = [
    "recipes.nb02_crash_recovery.research_agent",
    "recipes.nb07_teams_of_agents.support_team",
    "recipes.nb09_mcp_and_streaming.inventory_worker",
    "recipes.nb09_mcp_and_streaming.streaming_agent",
]


@pytest.mark.parametrize("module", RECIPES_WITH_MODEL_PARAMS)
def test_every_recipes_model_params_end_up_bounded(module: str) -> None:
    params = bounded(importlib.import_module(module).MODEL_PARAMS)
    assert params.retry_policy is not None and 0 < params.retry_policy.maximum_attempts <= 5


async def test_a_recipe_without_a_retry_policy_schedules_its_model_calls_bounded(
    conn: Connection, task_queue: str
) -> None:
    assert MODEL_PARAMS.retry_policy is None, "the case this test is about"
    client = Client(**{**conn.client.config(), "plugins": [agents_plugin(model_params=MODEL_PARAMS)]})
    worker = await start_worker(client, task_queue=task_queue, workflows=[TripPlannerWorkflow])
    try:
        handle = await client.start_workflow(
            TripPlannerWorkflow.run, "Plan a picnic", id=f"bounded-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        await handle.result()
    finally:
        await worker.stop()
    scheduled = [
        e.activity_task_scheduled_event_attributes
        for e in (await handle.fetch_history()).events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    assert scheduled and all(s.retry_policy.maximum_attempts == MODEL_RETRY_POLICY.maximum_attempts for s in scheduled)
