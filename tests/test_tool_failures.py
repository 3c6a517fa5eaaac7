"""A tool whose Activity fails for good: activity_as_tool fails the run, a @function_tool wrapper tells the model."""

from __future__ import annotations

import uuid

import pytest
from temporalio.client import WorkflowFailureError

from recipes.nb02_crash_recovery import tool_failures
from recipes.nb02_crash_recovery.tool_failures import ArchiveLookupWorkflow
from shared import Connection, history_table, start_worker


async def test_activity_as_tool_fails_the_run_and_a_function_tool_hands_the_model_an_error(
    conn: Connection, task_queue: str
) -> None:
    worker = await start_worker(conn.client, tool_failures, task_queue=task_queue)
    try:
        failing = await conn.client.start_workflow(
            ArchiveLookupWorkflow.run, "activity_as_tool", id=f"tf-{uuid.uuid4()}", task_queue=task_queue
        )
        with pytest.raises(WorkflowFailureError) as failed:
            await failing.result()
        assert failed.value.cause.type == "AgentsWorkflowError"
        assert "Error running tool query_archive" in failed.value.cause.message

        told = await conn.client.start_workflow(
            ArchiveLookupWorkflow.run, "function_tool", id=f"tf-{uuid.uuid4()}", task_queue=task_queue
        )
        answer = await told.result()
        assert "An error occurred while running the tool" in answer and "Activity task failed" in answer
        table = await history_table(told)
        assert [s.kind for s in table.steps] == ["model call", "tool", "model call"], "the model read the error"
    finally:
        await worker.stop()
