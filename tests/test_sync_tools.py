"""A plain ``def`` tool in a Workflow stops the run with one line saying what to change.

Without the check, every call of such a tool fails inside the Workflow (the
Agents SDK runs it on a thread) and the model is told an empty error.
"""

from __future__ import annotations

import uuid

import pytest
from temporalio import workflow
from temporalio.client import WorkflowFailureError

with workflow.unsafe.imports_passed_through():  # the sandbox re-imports this module for its Workflows
    from agents import Agent, Runner, function_tool

    from shared import Connection, start_worker


@function_tool
def plain_weather(city: str) -> str:
    """Get the weather for a city (a plain def)."""
    return f"Sunny in {city}"


@function_tool
async def async_weather(city: str) -> str:
    """Get the weather for a city (async)."""
    return f"Sunny in {city}"


@workflow.defn
class ToolStyleWorkflow:
    """A weather agent whose tool is a plain def or async, behind a handoff when asked."""

    @workflow.run
    async def run(self, style: str) -> str:
        """Ask for the weather in Lima."""
        tool = plain_weather if style.startswith("plain") else async_weather
        forecaster = Agent(name="Forecaster", instructions="Answer with the tool.", tools=[tool])
        front = Agent(name="Front desk", instructions="Hand off.", handoffs=[forecaster])
        agent = front if style.endswith("behind a handoff") else forecaster
        return (await Runner.run(agent, "What's the weather in Lima?")).final_output


@pytest.mark.parametrize("style", ["plain", "plain behind a handoff"])
async def test_a_plain_def_tool_fails_the_run_with_what_to_change(conn: Connection, task_queue: str, style: str):
    worker = await start_worker(conn.client, task_queue=task_queue, workflows=[ToolStyleWorkflow])
    try:
        handle = await conn.client.start_workflow(
            ToolStyleWorkflow.run, style, id=f"sync-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        with pytest.raises(WorkflowFailureError) as caught:
            await handle.result()
    finally:
        await worker.stop()
    cause = caught.value.cause
    assert cause.message.startswith("Tool 'plain_weather' of agent 'Forecaster' is a plain def")
    assert "make it `async def`, or do its work in an Activity" in cause.message


async def test_an_async_tool_runs(conn: Connection, task_queue: str) -> None:
    worker = await start_worker(conn.client, task_queue=task_queue, workflows=[ToolStyleWorkflow])
    try:
        handle = await conn.client.start_workflow(
            ToolStyleWorkflow.run, "async", id=f"async-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        assert "Sunny in Lima" in await handle.result()
    finally:
        await worker.stop()
