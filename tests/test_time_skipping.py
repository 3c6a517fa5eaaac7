"""Notebook 05's tests: a tool on its own, and the chat Workflow with scripted model answers in skipped time.

Proves: the weather tool works as a plain Activity (no Worker, no server);
the chat Workflow, driven by a scripted model (``TestModel``) in the
time-skipping test server, delivers a reminder set for three days later in
well under a second of real time.
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta

from temporalio.client import Client
from temporalio.openai_agents.testing import AgentEnvironment, ResponseBuilders, TestModel
from temporalio.testing import ActivityEnvironment, WorkflowEnvironment
from temporalio.worker import Worker

from recipes.nb01_durable_agent.weather_agent import get_weather
from recipes.nb04_long_running_agents.chat_agent import ACTIVITIES, WORKFLOWS, ChatAgentWorkflow, ChatInput
from recipes.nb05_testing_durable_agents.chat_agent_v2 import look_up_profile
from shared import history_table


async def test_weather_tool_on_its_own():
    env = ActivityEnvironment()
    assert await env.run(get_weather, "Lima") == "Weather in Lima: Overcast, 18 °C"
    assert await env.run(get_weather, "  TOKYO ") == "Weather in   TOKYO : Sunny, 22 °C"
    assert await env.run(get_weather, "Oslo") == "Weather in Oslo: Clear skies, 20 °C"
    assert await env.run(look_up_profile, "hi") == "Prefers trains, travels light."


def scripted_chat() -> TestModel:
    """The model's answers, in order: each tool call has its own call id, as a real model's would."""
    return TestModel.returning_responses(
        [
            ResponseBuilders.tool_call(json.dumps({"city": "Lisbon"}), "get_weather", call_id="call_1"),
            ResponseBuilders.output_message("It is clear in Lisbon, 20 °C."),
            ResponseBuilders.tool_call(
                json.dumps({"topic": "book the Lisbon train", "days": 3}), "set_reminder", call_id="call_2"
            ),
            ResponseBuilders.output_message("I will remind you in 3 days."),
        ]
    )


async def test_three_day_reminder_in_well_under_a_second(time_env: WorkflowEnvironment):
    async with AgentEnvironment(model=scripted_chat()) as agents:
        client: Client = agents.applied_on_client(time_env.client)
        task_queue = f"ts-{uuid.uuid4().hex[:8]}"
        async with Worker(client, task_queue=task_queue, workflows=WORKFLOWS, activities=ACTIVITIES):
            chat = await client.start_workflow(
                ChatAgentWorkflow.run, ChatInput(), id=f"chat-{uuid.uuid4().hex[:8]}", task_queue=task_queue
            )
            assert await chat.execute_update(ChatAgentWorkflow.send, "Weather in Lisbon?") == (
                "It is clear in Lisbon, 20 °C."
            )
            reply = await chat.execute_update(ChatAgentWorkflow.send, "Remind me in 3 days to book the train")
            assert reply == "I will remind you in 3 days."
            assert (await chat.query(ChatAgentWorkflow.status)).pending_reminders == ["book the Lisbon train"]

            before = await time_env.get_current_time()
            started = time.monotonic()
            await time_env.sleep(timedelta(days=3))
            lines = await chat.query(ChatAgentWorkflow.transcript)
            elapsed = time.monotonic() - started
            skipped = await time_env.get_current_time() - before

            assert lines[-1].role == "reminder" and lines[-1].text == "Reminder: book the Lisbon train"
            assert skipped >= timedelta(days=3)
            assert elapsed < 1.0, f"three days took {elapsed:.2f} s of real time"
            table = await history_table(chat)
            assert [(s.name, s.result) for s in table.steps if s.kind == "timer"] == [("sleep 3 d", "fired")]
            assert table.count("tool", "get_weather") == 1
            await chat.execute_update(ChatAgentWorkflow.end)
            summary = await chat.result()
            assert (summary.turns, summary.reminders_delivered) == (2, 1)
