"""Notebook 03's recipe and panel: approve, reject, deadlines, refusals, double clicks, bad targets."""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from recipes.nb03_human_approval import approval_agent, tool_approval_agent
from recipes.nb03_human_approval.approval_agent import (
    ACTIVITIES,
    DONE,
    MAX_COMMENT,
    WAITING,
    WORKFLOWS,
    ApprovalRequest,
    ApprovalWorkflow,
    Decision,
    describe_seconds,
)
from recipes.nb03_human_approval.tool_approval_agent import ToolApprovalWorkflow
from shared import (
    ApprovalPanel,
    agents_plugin,
    history_table,
    running_workers,
    start_time_skipping,
    start_worker,
    temporal_cli_path,
    wait_until,
)
from shared._core.time_skipping import time_skipping_server_path
from shared._views.approval_panel import render_plan

TASK = "Migrate the blog to Hugo"


@pytest.fixture
async def worker(conn, task_queue):
    handle = await start_worker(conn.client, approval_agent, task_queue=task_queue)
    yield handle
    for running in running_workers():  # the fixture's worker, or the one a test put in its place
        if running.task_queue == task_queue:
            await running.stop()


@asynccontextmanager
async def activities_running(client, task_queue: str, activities) -> AsyncIterator[None]:
    """Run the queue's Activities (model calls and tools) only inside this block.

    Outside it, a workflow-only Worker still answers Signals, Updates and
    Queries, but the run cannot take its next step: so a test can send
    something after a decision and know that the Workflow is still open.
    """
    async with Worker(client, task_queue=task_queue, activities=activities):
        yield


async def workflows_only(conn, task_queue: str, module) -> None:
    """Host the module's Workflows on this queue with no Activities (see ``activities_running``)."""
    await start_worker(conn.client, module, task_queue=task_queue, no_remote_activities=True)


def panel_for(handle: WorkflowHandle) -> ApprovalPanel:
    """The approval panel, wired to ApprovalWorkflow's Update and Query."""
    return ApprovalPanel(handle, decide=ApprovalWorkflow.decide, state=ApprovalWorkflow.state, decision=Decision)


async def start(conn, task_queue, request: ApprovalRequest | None = None) -> WorkflowHandle:
    return await conn.client.start_workflow(
        ApprovalWorkflow.run,
        request or ApprovalRequest(TASK),
        id=f"approval-{uuid.uuid4().hex[:8]}",
        task_queue=task_queue,
    )


async def wait_for_status(handle: WorkflowHandle, status: str, timeout: float = 30.0) -> None:
    async def reached() -> bool:
        return await handle.query(ApprovalWorkflow.status) == status

    await wait_until(reached, timeout, f"status {status!r}")


async def refusal(handle: WorkflowHandle, decision: Decision) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as info:
        await handle.execute_update(ApprovalWorkflow.decide, decision)
    return info.value.cause.message


# --- the Workflow ---------------------------------------------------------------------------------


async def test_signal_approves_and_executor_runs_after_it(conn, task_queue, worker):
    handle = await start(conn, task_queue)
    await wait_for_status(handle, WAITING)
    await handle.signal(ApprovalWorkflow.approve, True)
    assert await handle.result() == "(offline model) Carried out all 3 steps of the approved plan."
    table = await history_table(handle)
    kinds = [(s.kind, s.name) for s in table.steps]
    assert kinds.index(("signal", "approve")) < kinds.index(("tool", "carry_out_plan"))
    assert await handle.query(ApprovalWorkflow.status) == DONE


async def test_signal_rejects_and_a_second_signal_is_ignored_while_the_run_is_open(conn, task_queue, worker):
    handle = await start(conn, task_queue)
    await wait_for_status(handle, WAITING)
    # A rejection ends the run at once, so a second Signal sent after it races the run's end. With the
    # Worker stopped the run cannot end: both Signals land in the Event History of an open run.
    await worker.stop()
    await handle.signal(ApprovalWorkflow.approve, False)
    await handle.signal(ApprovalWorkflow.approve, True)
    await worker.restart()
    assert await handle.result() == "Rejected"
    table = await history_table(handle)
    assert [s.result for s in table.steps if s.kind == "signal"] == ["False", "True"]
    assert table.count("tool") == 0


async def test_update_returns_outcome_and_validator_refuses_with_reasons(conn, task_queue, worker):
    handle = await start(conn, task_queue)
    await wait_for_status(handle, WAITING)
    await workflows_only(conn, task_queue, approval_agent)  # after the approval, the run stays open until we say
    assert await refusal(handle, Decision(False)) == "A rejection needs a comment saying why."
    assert "only whitespace" in await refusal(handle, Decision(True, "   "))
    too_long = "x" * (MAX_COMMENT + 1)
    assert await refusal(handle, Decision(True, too_long)) == (
        f"The comment has {MAX_COMMENT + 1} characters; the limit is {MAX_COMMENT}."
    )
    outcome = await handle.execute_update(ApprovalWorkflow.decide, Decision(True, "Go ahead", "ana"))
    assert outcome == "Approved: the plan went to the Executor agent."
    assert await refusal(handle, Decision(False, "changed my mind", "bo")) == (
        "Already decided: approved by ana. Only the first decision counts."
    )
    async with activities_running(conn.client, task_queue, ACTIVITIES):
        assert "Carried out" in await handle.result()
    with pytest.raises(RPCError, match="already completed"):
        await handle.execute_update(ApprovalWorkflow.decide, Decision(True))
    # Refused Updates leave no trace in the Event History; the accepted one does.
    assert (await history_table(handle)).count("update", "decide") == 1


async def test_update_rejects_with_comment(conn, task_queue, worker):
    handle = await start(conn, task_queue)
    await wait_for_status(handle, WAITING)
    assert await handle.execute_update(ApprovalWorkflow.decide, Decision(False, "Too risky")) == "Rejected."
    assert await handle.result() == "Rejected: Too risky"


async def test_short_deadline_auto_rejects(conn, task_queue, worker):
    handle = await start(conn, task_queue, ApprovalRequest(TASK, deadline_seconds=1))
    assert await handle.result() == "Rejected: no decision within 1 s"
    timers = [s for s in (await history_table(handle)).steps if s.kind == "timer"]
    assert [(t.name, t.result) for t in timers] == [("sleep 1 s", "fired")]


async def test_decision_before_deadline_cancels_the_timer(conn, task_queue, worker):
    handle = await start(conn, task_queue, ApprovalRequest(TASK, deadline_seconds=3600))
    await wait_for_status(handle, WAITING)
    await handle.execute_update(ApprovalWorkflow.decide, Decision(True))
    assert "Carried out" in await handle.result()
    timers = [s for s in (await history_table(handle)).steps if s.kind == "timer"]
    assert [(t.name, t.result) for t in timers] == [("sleep 1 h", "cancelled")]


async def test_three_day_deadline_escalates_then_rejects_in_time_skipping_env():
    started = time.monotonic()
    async with await start_time_skipping() as env:
        queue = f"ts-{uuid.uuid4().hex[:8]}"
        async with Worker(env.client, task_queue=queue, workflows=WORKFLOWS, activities=ACTIVITIES):
            handle = await env.client.start_workflow(
                ApprovalWorkflow.run,
                ApprovalRequest(TASK, deadline_seconds=3 * 86400, on_deadline="escalate"),
                id="approval-3-days",
                task_queue=queue,
            )
            assert await handle.result() == "Rejected: no decision within 6 days (escalated once)"
            run = await handle.describe()
            skipped = run.close_time - run.start_time
            state = await handle.query(ApprovalWorkflow.state)
            events = [e.event_type for e in (await handle.fetch_history()).events]
    assert timedelta(days=6) <= skipped < timedelta(days=6, minutes=1)
    assert state.escalated and state.decision == "rejected"
    assert events.count(EventType.EVENT_TYPE_TIMER_FIRED) == 2
    assert time.monotonic() - started < 60


def test_helpers():
    assert time_skipping_server_path().endswith("temporal-test-server")
    assert describe_seconds(2) == "2 s" and describe_seconds(259200) == "3 days" and describe_seconds(86400) == "1 day"
    assert "<li>" in render_plan("Plan:\n1. a\n2. b") and "&lt;script" in render_plan("<script>x</script>")


# --- the panel ------------------------------------------------------------------------------------


async def test_panel_button_approves_and_double_click_sends_one_decision(conn, task_queue, worker):
    handle = await start(conn, task_queue)
    panel = panel_for(handle)
    await wait_until(lambda: not panel.approve_button.disabled, what="buttons enabled")
    assert "<li>" in panel.plan_view.value and panel.status == WAITING
    panel.approve_button.click()
    panel.approve_button.click()
    panel.reject_button.click()
    assert panel.approve_button.disabled and panel.reject_button.disabled
    assert await panel.wait_decision() == "Approved: the plan went to the Executor agent."
    panel.approve_button.click()  # after the decision: changes nothing
    assert await panel.wait_result() == "(offline model) Carried out all 3 steps of the approved plan."
    assert (await history_table(handle)).count("update", "decide") == 1
    assert "Decision: approved" in panel.text() and "Result: (offline model) Carried out" in panel.text()
    assert panel.approve_button.disabled
    await panel.close()


async def test_panel_refusal_keeps_buttons_then_reject_with_comment(conn, task_queue, worker):
    handle = await start(conn, task_queue)
    panel = panel_for(handle)
    await wait_until(lambda: not panel.reject_button.disabled, what="buttons enabled")
    assert await panel.reject("") == "Refused: A rejection needs a comment saying why."
    await wait_until(lambda: not panel.reject_button.disabled, what="buttons enabled again")
    panel.comment_box.value = "Too risky this week"
    panel.reject_button.click()
    assert await panel.wait_decision() == 'Rejected. (Comment sent: "Too risky this week")'
    assert await panel.wait_result() == "Rejected: Too risky this week"
    await panel.close()


async def test_panel_on_finished_workflow_says_so(conn, task_queue, worker):
    handle = await start(conn, task_queue)
    await wait_for_status(handle, WAITING)
    await handle.signal(ApprovalWorkflow.approve, True)
    await handle.result()
    panel = panel_for(handle)
    assert await panel.approve("late") == "This Workflow has already finished. No decision was sent."
    await panel.wait_result()
    assert panel.approve_button.disabled and panel.status == DONE
    assert "Result: (offline model) Carried out" in panel.text()
    await panel.close()


async def test_panel_on_unknown_workflow_says_so(conn):
    panel = panel_for(conn.client.get_workflow_handle("no-such-approval"))
    assert await panel.wait_result(timeout=15) is None
    assert panel.message == "No Workflow with id 'no-such-approval' on this server."
    assert await panel.approve() == "No Workflow with id 'no-such-approval' on this server. No decision was recorded."
    assert panel.approve_button.disabled
    await panel.close()


async def test_panel_sees_the_deadline_decide(conn, task_queue, worker):
    handle = await start(conn, task_queue, ApprovalRequest(TASK, deadline_seconds=2))
    panel = panel_for(handle)
    assert await panel.wait_result() == "Rejected: no decision within 2 s"
    assert panel.decision == "rejected" and panel.approve_button.disabled
    await panel.close()


async def test_panel_says_when_the_server_stops():
    """A server of its own (not the session's), so stopping it harms no other test."""
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_cli_path(), plugins=[agents_plugin()], ui=False
    )
    try:
        queue = f"down-{uuid.uuid4().hex[:8]}"
        async with Worker(env.client, task_queue=queue, workflows=WORKFLOWS, activities=ACTIVITIES):
            handle = await env.client.start_workflow(
                ApprovalWorkflow.run, ApprovalRequest(TASK), id="approval-down", task_queue=queue
            )
            panel = panel_for(handle)
            await wait_until(lambda: panel.status == WAITING, what="waiting for approval")
            await env.shutdown()
            await wait_until(lambda: "not answering" in panel.message, timeout=30, what="server-gone message")
            assert panel.status == "server not answering" and panel.approve_button.disabled
            assert (await panel.approve("ok")).endswith(
                "No decision was recorded. The panel keeps checking and comes back when the server does."
            )
            await panel.close()
    finally:
        await env.shutdown()


# --- the Agents SDK's needs_approval route, in a Workflow ----------------------------------------


async def refusal_of_review(handle: WorkflowHandle) -> str:
    with pytest.raises(WorkflowUpdateFailedError) as info:
        await handle.execute_update(ToolApprovalWorkflow.review, True)
    return info.value.cause.message


@pytest.mark.parametrize("approved", [True, False])
async def test_needs_approval_route_pauses_the_tool_until_reviewed(conn, task_queue, approved):
    await workflows_only(conn, task_queue, tool_approval_agent)
    activities = tool_approval_agent.ACTIVITIES
    try:
        handle = await conn.client.start_workflow(
            ToolApprovalWorkflow.run,
            "Please refund the order to Ana",
            id=f"tool-{uuid.uuid4().hex[:8]}",
            task_queue=task_queue,
        )
        async with activities_running(conn.client, task_queue, activities):
            pending = await wait_until(
                lambda: handle.query(ToolApprovalWorkflow.waiting_for_review), 30, "a tool call to review"
            )
        assert len(pending) == 1 and pending[0].startswith("issue_refund(") and "Ana" in pending[0]
        assert (await history_table(handle)).count("tool") == 0, "the tool must not run before the review"
        # With no Activities running, the run cannot finish after the review: the second review meets an open run.
        outcome = await handle.execute_update(ToolApprovalWorkflow.review, approved)
        assert outcome.startswith("Approved: issue_refund(" if approved else "Rejected: issue_refund(")
        assert await refusal_of_review(handle) == "No tool call is waiting for review."
        async with activities_running(conn.client, task_queue, activities):
            result = await handle.result()
        table = await history_table(handle)
        if approved:
            assert result == "(offline model) Refund issued to Ana." and table.count("tool", "issue_refund") == 1
        else:
            assert "refused" in result and table.count("tool") == 0
    finally:
        for running in running_workers():
            if running.task_queue == task_queue:
                await running.stop()
