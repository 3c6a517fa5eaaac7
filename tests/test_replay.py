"""Replay safety of the chat Workflow (notebook 05): recorded histories against current and changed code.

Proves: a history recorded by the chat Workflow replays cleanly against the
current code; version 2, which adds an Activity before the first model call,
fails replay with a nondeterminism error naming both; the ``workflow.patched``
version replays the old history cleanly and takes the new path in new runs;
a history of another Workflow type, or a file that is not a history, is
refused with one clear line.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from temporalio.client import Client
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow
from recipes.nb04_long_running_agents.chat_agent import ACTIVITIES, WORKFLOWS, ChatAgentWorkflow, ChatInput
from recipes.nb05_testing_durable_agents.chat_agent_v2 import (
    ChatAgentWorkflowPatched,
    ChatAgentWorkflowV2,
    look_up_profile,
)
from recipes.nb05_testing_durable_agents.chat_script import run_sample_chat
from shared import CookbookError, agents_plugin, history_table, load_history, replay, save_history

FIXTURE = Path(__file__).parent / "fixtures" / "chat_agent_history.json"
NONDETERMINISM = (
    "Nondeterminism error: Activity type of scheduled event 'invoke_model_activity' "
    "does not match activity type of activity command 'look_up_profile'"
)


@pytest.fixture(scope="module")
async def client(time_env: WorkflowEnvironment) -> Client:
    return await Client.connect(
        time_env.client.service_client.config.target_host, plugins=[agents_plugin()], identity="replay-test"
    )


async def test_the_committed_history_replays_against_the_current_code():
    history = load_history(FIXTURE)
    assert history.events[0].workflow_execution_started_event_attributes.workflow_type.name == "ChatAgentWorkflow"
    outcome = await replay(history, ChatAgentWorkflow)
    assert outcome.ok, outcome.message
    assert repr(outcome) == "ChatAgentWorkflow: replay passed"


async def test_adding_an_activity_before_the_model_call_breaks_replay():
    outcome = await replay(FIXTURE, ChatAgentWorkflowV2)
    assert not outcome.ok
    assert NONDETERMINISM in outcome.message
    assert repr(outcome).startswith("ChatAgentWorkflowV2: replay FAILED: [TMPRL1100] Nondeterminism error")


async def test_the_patched_version_replays_the_old_history():
    outcome = await replay(FIXTURE, ChatAgentWorkflowPatched)
    assert outcome.ok, outcome.message


async def test_a_fresh_recording_replays_too(client: Client, time_env: WorkflowEnvironment, tmp_path: Path):
    """The fixture could go stale; a history recorded now from the same script must replay the same way."""
    task_queue = f"replay-{uuid.uuid4().hex[:8]}"
    async with Worker(client, task_queue=task_queue, workflows=WORKFLOWS, activities=ACTIVITIES):
        chat = await run_sample_chat(
            client, task_queue=task_queue, workflow_id=f"chat-{uuid.uuid4().hex[:8]}", wait=time_env.sleep
        )
        path = await save_history(chat, tmp_path / "chat.json")
    assert (await replay(path, ChatAgentWorkflow)).ok
    assert not (await replay(path, ChatAgentWorkflowV2)).ok
    assert (await replay(path, ChatAgentWorkflowPatched)).ok


async def test_new_runs_of_the_patched_version_take_the_new_path(client: Client, time_env: WorkflowEnvironment):
    task_queue = f"replay-{uuid.uuid4().hex[:8]}"
    async with Worker(
        client, task_queue=task_queue, workflows=[ChatAgentWorkflowPatched], activities=[*ACTIVITIES, look_up_profile]
    ):
        chat = await client.start_workflow(
            ChatAgentWorkflowPatched.run, ChatInput(), id=f"chat-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        await chat.execute_update(ChatAgentWorkflowPatched.send, "Hello")
        table = await history_table(chat)
        assert [s.name for s in table.steps[:3]] == ["send", "look_up_profile", "Travel Assistant"]
        await chat.execute_update(ChatAgentWorkflowPatched.end)
        await chat.result()
    # ... and that new history replays against the patched code, but not against version 1.
    history = await chat.fetch_history()
    assert (await replay(history, ChatAgentWorkflowPatched)).ok
    assert not (await replay(history, ChatAgentWorkflow)).ok


async def test_a_history_of_another_workflow_type_is_refused(client: Client, tmp_path: Path):
    task_queue = f"replay-{uuid.uuid4().hex[:8]}"
    async with Worker(client, task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=ACTIVITIES):
        weather = await client.start_workflow(
            WeatherAgentWorkflow.run, "weather in Lima", id=f"w-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        await weather.result()
        path = await save_history(weather, tmp_path / "weather.json")
    with pytest.raises(CookbookError, match="recorded by Workflow type 'WeatherAgentWorkflow'.*'ChatAgentWorkflow'"):
        await replay(path, ChatAgentWorkflow)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "bad.json is not a Temporal Event History in JSON"),
        ('{"events": "nope"}', "bad.json is not a Temporal Event History in JSON"),
        ('{"events": []}', "bad.json has no events"),
    ],
)
async def test_a_file_that_is_not_a_history_is_refused(tmp_path: Path, content: str, message: str):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(CookbookError, match=message):
        await replay(bad, ChatAgentWorkflow)


async def test_a_missing_file_and_a_plain_class_are_refused(tmp_path: Path):
    with pytest.raises(CookbookError, match="No history file named missing.json"):
        load_history(tmp_path / "missing.json")
    with pytest.raises(CookbookError, match="is not a @workflow.defn class"):
        await replay(FIXTURE, ChatInput)
