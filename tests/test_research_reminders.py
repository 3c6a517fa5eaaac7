"""Notebook 02's research agent finishes its procedure with a model that answers too early, and never loops.

Proves: when the model answers before using every tool, the Workflow asks for
the next missing tool by name, in the same conversation, until all have run;
and a model that never calls a tool gets one reminder per tool, then the run
ends.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from temporalio.client import Client

from recipes.nb02_crash_recovery import research_agent
from recipes.nb02_crash_recovery.research_agent import ResearchAgentWorkflow, ResearchRequest
from shared import Connection, HistoryTable, agents_plugin, history_table, select_model, start_worker
from tests.openai_stub import NoToolsModel, StubOpenAI, chat_reply, serve

TOOLS = ["search_sources", "read_sources"]


def says(text: str) -> tuple[int, dict[str, object]]:
    return chat_reply({"role": "assistant", "content": text}, "stop")


def calls(name: str) -> tuple[int, dict[str, object]]:
    call = {"id": f"call_{name}", "type": "function", "function": {"name": name, "arguments": '{"topic": "Temporal"}'}}
    return chat_reply({"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls")


async def research_with(stub: StubOpenAI, conn: Connection, task_queue: str, outbox: Path) -> HistoryTable:
    """Run the research agent with two tools on a Worker whose model is ``stub``; return the history table."""
    with serve(stub):
        choice = select_model({"OPENAI_BASE_URL": stub.base_url, "OPENAI_MODEL": "small-model"})
        plugin = agents_plugin(choice, research_agent.MODEL_PARAMS)
        client = Client(**{**conn.client.config(), "plugins": [plugin]})
        worker = await start_worker(client, research_agent, task_queue=task_queue)
        try:
            request = ResearchRequest("Temporal", str(outbox), tool_seconds=0.1, tools=TOOLS)
            handle = await client.start_workflow(
                ResearchAgentWorkflow.run, request, id=f"remind-{uuid.uuid4().hex[:8]}", task_queue=task_queue
            )
            await handle.result()
            return await history_table(handle)
        finally:
            await worker.stop()


async def test_a_model_that_answers_too_early_is_asked_for_each_missing_tool(
    conn: Connection, task_queue: str, tmp_path: Path
) -> None:
    stub = StubOpenAI([calls("search_sources"), says("Done."), calls("read_sources"), says("Done, really.")])
    table = await research_with(stub, conn, task_queue, tmp_path / "outbox.db")
    assert [s.name for s in table.steps if s.kind == "tool"] == TOOLS
    reminder = stub.requests[2][1]["messages"][-1]
    assert reminder == {"role": "user", "content": "Now use read_sources."}


async def test_a_model_that_never_calls_a_tool_gets_one_reminder_per_tool(
    conn: Connection, task_queue: str, tmp_path: Path
) -> None:
    table = await research_with(NoToolsModel(), conn, task_queue, tmp_path / "outbox.db")
    assert (table.count("tool"), table.count("model call")) == (0, 1 + len(TOOLS))
