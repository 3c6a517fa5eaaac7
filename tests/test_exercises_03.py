"""Notebook 03's exercises: each check passes on the solution and fails on the unedited starter."""

from __future__ import annotations

import asyncio
import uuid
from types import ModuleType

from temporalio.client import WorkflowExecutionStatus, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError

from recipes.nb03_human_approval import approval_agent
from recipes.nb03_human_approval.approval_agent import WAITING, ApprovalRequest, ApprovalWorkflow, Decision
from shared import Connection, start_worker, temporal_cli_path, wait_until
from tests.exercises import solution_and_starter, within

EX = "ex03_approval"
TASK = "Migrate the blog to Hugo"


async def vote(ex: ModuleType, handle: WorkflowHandle, reviewer: str, approved: bool = True) -> str | None:
    """Send a vote; return the Workflow's reply, or None if the validator refused it."""
    try:
        return await handle.execute_update(ex.TwoPersonApprovalWorkflow.vote, Decision(approved, reviewer=reviewer))
    except WorkflowUpdateFailedError:
        return None
    except RPCError as err:  # the run is over: it did not wait for the votes it needed
        raise AssertionError(f"the run had already ended when {reviewer} voted ({err.message})") from None


async def first_vote(ex: ModuleType, handle: WorkflowHandle, reviewer: str) -> str:
    """The first vote, sent as soon as the plan is ready (until then the validator refuses it)."""
    while (reply := await vote(ex, handle, reviewer)) is None:
        await asyncio.sleep(0.05)
    return reply


@solution_and_starter(EX)
async def test_exercise_1_two_person_rule(ex: ModuleType, conn: Connection, task_queue: str) -> None:
    worker = await start_worker(conn.client, ex, task_queue=task_queue)
    try:
        handle = await conn.client.start_workflow(
            ex.TwoPersonApprovalWorkflow.run, TASK, id=f"two-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        await within(first_vote(ex, handle, "ana"), 30, "the plan")
        assert await handle.query(ex.TwoPersonApprovalWorkflow.approvals) == ["ana"]
        assert await vote(ex, handle, "ana") is None, "a second vote from the same reviewer must be refused"
        assert (await handle.describe()).status == WorkflowExecutionStatus.RUNNING, "one approval is not enough"
        await vote(ex, handle, "bo")
        assert await within(handle.result(), 30, "the outcome") == "Approved by ana and bo"
    finally:
        await worker.stop()


async def run_cli(argv: list[str]) -> tuple[int, str]:
    # asyncio's subprocess, not subprocess.run: a blocking call would stall the in-loop Worker.
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await within(process.communicate(), 60, "the temporal CLI")
    return process.returncode, output.decode()


@solution_and_starter(EX)
async def test_exercise_2_decide_from_the_terminal(ex: ModuleType, conn: Connection, task_queue: str) -> None:
    assert conn.server is not None
    worker = await start_worker(conn.client, approval_agent, task_queue=task_queue)
    try:
        handle = await conn.client.start_workflow(
            ApprovalWorkflow.run, ApprovalRequest(TASK), id=f"cli-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )

        async def waiting() -> bool:
            return await handle.query(ApprovalWorkflow.status) == WAITING

        await wait_until(waiting, 30, "the plan")
        command = ex.decide_command(temporal_cli_path(), conn.server.address, handle.id, False)
        code, output = await run_cli(command)
        assert code != 0 and "A rejection needs a comment saying why." in output, output
        command = ex.decide_command(temporal_cli_path(), conn.server.address, handle.id, True, "ok from the terminal")
        code, output = await run_cli(command)
        assert code == 0, output
        assert "Approved" in output
        assert "Carried out" in await within(handle.result(), 30, "the outcome")
    finally:
        await worker.stop()
