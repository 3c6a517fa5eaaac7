"""The real-model paths, end to end through Temporal, against an OpenAI stub on loopback.

No machine here reaches OpenAI, so the stub stands in for it: it checks what
the worker sends (the tools' JSON schemas) and answers with canned JSON. Its
first answer is a 500, which must become a Temporal Activity retry.
"""

from __future__ import annotations

import uuid

import pytest
from temporalio.client import Client

from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow, get_weather
from shared import Connection, agents_plugin, history_table, select_model, setup, start_worker
from tests.openai_stub import (
    SERVER_ERROR,
    StubOpenAI,
    chat_reply,
    responses_message,
    responses_reply,
    responses_tool_call,
    serve,
)


async def run_weather_agent(conn: Connection, task_queue: str, env: dict[str, str]) -> tuple[str, object]:
    """Run the weather workflow on a worker whose plugin uses the model chosen from ``env``."""
    choice = select_model(env)
    assert not choice.offline
    client = Client(**{**conn.client.config(), "plugins": [agents_plugin(choice)]})
    worker = await start_worker(
        client, task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=[get_weather]
    )
    try:
        handle = await client.start_workflow(
            WeatherAgentWorkflow.run, "weather in Lima?", id=f"real-{uuid.uuid4()}", task_queue=task_queue
        )
        return await handle.result(), await history_table(handle)
    finally:
        await worker.stop()


async def test_openai_responses_path(conn: Connection, task_queue: str, monkeypatch: pytest.MonkeyPatch) -> None:
    stub = StubOpenAI(
        [
            SERVER_ERROR,
            responses_reply(responses_tool_call("get_weather", {"city": "Lima"}, "call_1")),
            responses_reply(responses_message("Lima is overcast.")),
        ]
    )
    with serve(stub):
        # The decision sees only the key (the OpenAI branch); the openai client itself reads
        # OPENAI_BASE_URL from the process environment, which sends it to the stub.
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        result, table = await run_weather_agent(conn, task_queue, {"OPENAI_API_KEY": "sk-stub"})

    assert result == "Lima is overcast."
    paths = [path for path, _ in stub.requests]
    assert paths == ["/v1/responses"] * 3, "a failed call, its retry, and the call after the tool"
    first = stub.requests[0][1]
    assert first["model"] == "gpt-4o-mini"
    [tool] = first["tools"]
    assert tool["name"] == "get_weather" and tool["parameters"]["properties"]["city"]["type"] == "string"
    model_calls = [s for s in table.steps if s.kind == "model call"]
    assert [s.attempt for s in model_calls] == [2, 1], "the 500 became a Temporal Activity retry"
    assert table.count("tool", "get_weather") == 1


async def test_openai_compatible_server_path(conn: Connection, task_queue: str) -> None:
    tool_call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city": "Lima"}'},
    }
    stub = StubOpenAI(
        [
            SERVER_ERROR,
            chat_reply({"role": "assistant", "content": None, "tool_calls": [tool_call]}, "tool_calls"),
            chat_reply({"role": "assistant", "content": "Overcast in Lima."}, "stop"),
        ]
    )
    with serve(stub):
        env = {"OPENAI_BASE_URL": stub.base_url, "OPENAI_MODEL": "llama3.2"}
        result, table = await run_weather_agent(conn, task_queue, env)

    assert result == "Overcast in Lima."
    assert [path for path, _ in stub.requests] == ["/v1/chat/completions"] * 3
    first = stub.requests[0][1]
    assert first["model"] == "llama3.2"
    [tool] = first["tools"]
    assert tool["function"]["name"] == "get_weather"
    assert tool["function"]["parameters"]["properties"]["city"]["type"] == "string"
    assert [s.attempt for s in table.steps if s.kind == "model call"] == [2, 1]


def test_base_url_without_a_model_name_is_a_clear_error() -> None:
    from shared import CookbookError

    with pytest.raises(CookbookError, match="set OPENAI_MODEL"):
        select_model({"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"})


def test_no_key_means_the_offline_model() -> None:
    choice = select_model({})
    assert choice.offline and "offline model" in choice.description


async def test_setup_can_ask_for_the_offline_model_whatever_the_environment_names(
    conn: Connection, task_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A section that measures payloads runs on the offline model even with a real model configured."""
    stub = StubOpenAI([])  # any request to it fails the run: the offline model must answer without it
    with serve(stub):
        monkeypatch.setenv("OPENAI_BASE_URL", stub.base_url)
        monkeypatch.setenv("OPENAI_MODEL", "qwen-on-loopback")
        measuring = await setup(offline_model=True, quiet=True)
        worker = await start_worker(
            measuring.client, task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=[get_weather]
        )
        try:
            handle = await measuring.client.start_workflow(
                WeatherAgentWorkflow.run, "weather in Lima?", id=f"offline-{uuid.uuid4()}", task_queue=task_queue
            )
            answer = await handle.result()
        finally:
            await worker.stop()
    assert "asked for by setup(offline_model=True)" in measuring.describe()
    assert answer.startswith("(offline model)")
    assert stub.requests == []
