"""Faults injected into model calls, and what every real model gets: a reply cap and the chosen model.

Proves: a fault injected for a Workflow id hits the next run with that id and
no other, in the offline model and in front of an OpenAI-compatible server
alike (the server never sees the failed attempt); each model call carries the
cookbook's reply cap unless the agent sets its own; an agent that names
``gpt-4o`` runs on ``OPENAI_MODEL`` when a local server is chosen; a model
policy with no attempt limit gets one.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from temporalio import workflow
from temporalio.client import Client
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters

with workflow.unsafe.imports_passed_through():  # the sandbox re-imports this module for NamedModelWorkflow
    from agents import Agent, ModelSettings, Runner

    from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow, get_weather
    from shared import (
        MODEL_RETRY_POLICY,
        Connection,
        CookbookError,
        ModelFault,
        agents_plugin,
        history_table,
        inject_model_fault,
        select_model,
        start_worker,
    )
    from shared._core.models import MAX_TOKENS, bounded
    from tests.openai_stub import StubOpenAI, chat_reply, serve

FAIL_ONCE = ModelFault(fail_first_attempt=True)


@workflow.defn
class NamedModelWorkflow:
    """An agent that names its own model, as the official samples' agents do."""

    @workflow.run
    async def run(self, max_tokens: int | None) -> str:
        """Ask once and return the answer."""
        agent = Agent(
            name="Planner", instructions="Answer.", model="gpt-4o", model_settings=ModelSettings(max_tokens=max_tokens)
        )
        return (await Runner.run(agent, "Hello")).final_output


async def weather_run(client: Client, task_queue: str, workflow_id: str) -> tuple[str, list[int | None]]:
    """Run notebook 01's agent once; return its answer and each model call's attempt."""
    handle = await client.start_workflow(
        WeatherAgentWorkflow.run, "weather in Lima?", id=workflow_id, task_queue=task_queue
    )
    answer = await handle.result()
    table = await history_table(handle)
    return answer, [s.attempt for s in table.steps if s.kind == "model call"]


async def test_a_fault_hits_the_next_run_with_its_id_and_no_other(conn: Connection, task_queue: str) -> None:
    worker = await start_worker(
        conn.client, task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=[get_weather]
    )
    workflow_id = f"fault-{uuid.uuid4().hex[:8]}"
    inject_model_fault(workflow_id, FAIL_ONCE)
    try:
        faulty, attempts = await weather_run(conn.client, task_queue, workflow_id)
        again, attempts_again = await weather_run(conn.client, task_queue, workflow_id)
    finally:
        await worker.stop()
    assert attempts == [2, 2], "attempt 1 of each model call failed and was retried"
    assert attempts_again == [1, 1], "the fault was bound to the first run"
    assert faulty == again, "the retried calls answer as if nothing had happened"


def chat_tool_call() -> tuple[int, dict[str, object]]:
    call = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Lima"}'}}
    return chat_reply({"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls")


async def test_a_fault_reaches_a_real_model_server_the_same_way(conn: Connection, task_queue: str) -> None:
    stub = StubOpenAI([chat_tool_call(), chat_reply({"role": "assistant", "content": "Overcast in Lima."}, "stop")])
    workflow_id = f"fault-real-{uuid.uuid4().hex[:8]}"
    with serve(stub):
        choice = select_model({"OPENAI_BASE_URL": stub.base_url, "OPENAI_MODEL": "llama3.2"})
        client = Client(**{**conn.client.config(), "plugins": [agents_plugin(choice)]})
        worker = await start_worker(
            client, task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=[get_weather]
        )
        inject_model_fault(workflow_id, FAIL_ONCE)
        try:
            answer, attempts = await weather_run(client, task_queue, workflow_id)
        finally:
            await worker.stop()
    assert (answer, attempts) == ("Overcast in Lima.", [2, 2])
    assert len(stub.requests) == 2, "the failed attempts never reached the server"
    assert all(body["max_tokens"] == MAX_TOKENS for _, body in stub.requests), "every reply is capped"


@pytest.mark.parametrize(("max_tokens", "sent"), [(None, MAX_TOKENS), (50, 50)], ids=["cookbook cap", "agent's own"])
async def test_an_agent_that_names_a_model_runs_on_the_chosen_one(
    conn: Connection, task_queue: str, max_tokens: int | None, sent: int
) -> None:
    stub = StubOpenAI([chat_reply({"role": "assistant", "content": "Hi."}, "stop")])
    with serve(stub):
        choice = select_model({"OPENAI_BASE_URL": stub.base_url, "OPENAI_MODEL": "llama3.2"})
        client = Client(**{**conn.client.config(), "plugins": [agents_plugin(choice)]})
        worker = await start_worker(client, task_queue=task_queue, workflows=[NamedModelWorkflow])
        try:
            handle = await client.start_workflow(
                NamedModelWorkflow.run, max_tokens, id=f"named-{uuid.uuid4().hex[:8]}", task_queue=task_queue
            )
            assert await handle.result() == "Hi."
        finally:
            await worker.stop()
    [(_, body)] = stub.requests
    assert (body["model"], body["max_tokens"]) == ("llama3.2", sent)
    assert "every agent, even one that names another model" in choice.description


def test_a_model_policy_without_an_attempt_limit_gets_the_cookbooks() -> None:
    open_ended = ModelActivityParameters(retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=200)))
    params = bounded(open_ended)
    assert params.retry_policy is not None
    assert params.retry_policy.maximum_attempts == MODEL_RETRY_POLICY.maximum_attempts
    assert params.retry_policy.initial_interval == timedelta(milliseconds=200), "the caller's intervals stay"
    assert bounded(ModelActivityParameters(streaming_topic="t")).retry_policy == MODEL_RETRY_POLICY
    assert bounded(ModelActivityParameters(streaming_topic="t")).streaming_topic == "t"


@pytest.mark.parametrize(
    ("workflow_id", "fault", "message"),
    [
        ("", FAIL_ONCE, "needs a Workflow id"),
        ("nb02-fail-once", "fail once", "needs a ModelFault"),
    ],
)
def test_bad_input_to_inject_model_fault_is_one_line(workflow_id: str, fault: object, message: str) -> None:
    with pytest.raises(CookbookError, match=message):
        inject_model_fault(workflow_id, fault)  # type: ignore[arg-type]
