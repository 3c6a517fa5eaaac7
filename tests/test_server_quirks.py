"""The differences between OpenAI-compatible servers that learners bring, each reproduced by the stub.

Proves, end to end through Temporal with notebook 01's agent: an assistant
message with null content (which llama-cpp-python's server answers with a 500)
is sent as empty text; a tool call written as JSON text runs the tool; a
parameter the server refuses stops the run at once with the server's words and
the fix; a 429 with ``Retry-After`` waits as long as the server asks.
"""

from __future__ import annotations

import json
import uuid

import pytest
from temporalio.client import Client, WorkflowFailureError

from recipes.nb01_durable_agent.weather_agent import WeatherAgentWorkflow, get_weather
from shared import Connection, HistoryTable, agents_plugin, history_table, select_model, start_worker
from tests.openai_stub import StubOpenAI, chat_reply, serve

TOOL_CALL = {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Lima"}'}}
CALLS_THE_TOOL = chat_reply({"role": "assistant", "content": None, "tool_calls": [TOOL_CALL]}, "tool_calls")
ANSWERS = chat_reply({"role": "assistant", "content": "Overcast in Lima."}, "stop")


async def run_against(stub: StubOpenAI, conn: Connection, task_queue: str) -> tuple[str, HistoryTable]:
    """Run notebook 01's agent on a Worker whose model is the stub, as an OpenAI-compatible server."""
    with serve(stub):
        choice = select_model({"OPENAI_BASE_URL": stub.base_url, "OPENAI_MODEL": "llama3.2"})
        client = Client(**{**conn.client.config(), "plugins": [agents_plugin(choice)]})
        worker = await start_worker(
            client, task_queue=task_queue, workflows=[WeatherAgentWorkflow], activities=[get_weather]
        )
        try:
            handle = await client.start_workflow(
                WeatherAgentWorkflow.run, "weather in Lima?", id=f"quirk-{uuid.uuid4().hex[:8]}", task_queue=task_queue
            )
            try:
                return await handle.result(), await history_table(handle)
            except WorkflowFailureError as err:
                raise AssertionError(root_message(err), await history_table(handle)) from err
        finally:
            await worker.stop()


def root_message(err: BaseException) -> str:
    while err.__cause__ is not None:
        err = err.__cause__
    return str(err)


async def test_null_content_after_a_tool_call_is_sent_as_empty_text(conn: Connection, task_queue: str) -> None:
    stub = StubOpenAI([CALLS_THE_TOOL, ANSWERS], refuse_null_content=True)
    answer, table = await run_against(stub, conn, task_queue)
    assert answer == "Overcast in Lima."
    assert [s.attempt for s in table.steps if s.kind == "model call"] == [1, 1]
    after_the_tool = stub.requests[1][1]["messages"]
    assert [m["content"] for m in after_the_tool if m["role"] == "assistant"] == [""]


@pytest.mark.parametrize("fenced", [False, True], ids=["bare", "in a json fence"])
async def test_a_tool_call_written_as_json_text_runs_the_tool(conn: Connection, task_queue: str, fenced: bool) -> None:
    text = json.dumps({"name": "get_weather", "arguments": {"city": "Lima"}})
    text = f"```json\n{text}\n```" if fenced else text
    stub = StubOpenAI([chat_reply({"role": "assistant", "content": text}, "stop"), ANSWERS])
    answer, table = await run_against(stub, conn, task_queue)
    assert answer == "Overcast in Lima."
    assert table.count("tool", "get_weather") == 1
    assert table.steps[0].result == "call get_weather(city='Lima')"


async def test_a_refused_parameter_stops_at_once_with_the_fix(conn: Connection, task_queue: str) -> None:
    refused = (400, {"error": {"message": "tool_choice param is not supported", "type": "invalid_request_error"}})
    stub = StubOpenAI([refused])
    with pytest.raises(AssertionError) as failed:
        await run_against(stub, conn, task_queue)
    message, table = failed.value.args
    assert "refused the request (400: tool_choice param is not supported): this server cannot force a tool call" in (
        message
    )
    assert len(stub.requests) == 1, "no retry can change a refusal"
    assert [(s.kind, s.attempt) for s in table.steps] == [("model call", 1), ("workflow", None)]


async def test_a_429_waits_as_long_as_retry_after_asks(conn: Connection, task_queue: str) -> None:
    busy = (429, {"error": {"message": "rate limited", "type": "rate_limit_error"}}, {"Retry-After": "3"})
    stub = StubOpenAI([busy, CALLS_THE_TOOL, ANSWERS])
    answer, table = await run_against(stub, conn, task_queue)
    assert answer == "Overcast in Lima."
    assert [s.attempt for s in table.steps if s.kind == "model call"] == [2, 1]
    assert stub.times[1] - stub.times[0] >= 3, "the retry waited the 3 s the server asked, not the policy's 1 s"
