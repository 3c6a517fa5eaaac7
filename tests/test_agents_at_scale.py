"""Notebook 11's claims, checked against a real server and real Worker processes killed with SIGKILL.

* a supervisor's child Workflows keep working while its Worker is dead, and
  nothing is lost or repeated when a new Worker picks the supervisor up;
* 50 agents whose model calls share one rate-limited Task Queue never go over
  its budget, and none of their calls fails;
* a 429 with ``Retry-After`` is retried after that delay;
* a Worker killed among several loses no agent and repeats no finished tool.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import datetime, timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowHandle

from recipes.nb11_agents_at_scale import fleet, model_budget, supervisor
from recipes.nb11_agents_at_scale.fleet import ActivityStart
from recipes.nb11_agents_at_scale.model_budget import BudgetedAgentWorkflow
from recipes.nb11_agents_at_scale.supervisor import SpecialistTask, SpecialistWorkflow, SupervisorRequest
from shared import (
    Connection,
    ModelFault,
    inject_model_fault,
    setup,
    start_worker,
    start_worker_process,
    wait_for_activity,
    wait_until,
)

TICKET = "A billing and a technical question: why was I charged twice this month, and what is the status of Checkout?"
RESULT_TIMEOUT_S = 60.0


def unique(name: str) -> str:
    """A name no other test uses."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


async def count_events(handle: WorkflowHandle, event_type: EventType.ValueType) -> int:
    """How many events of this type the Workflow's history holds."""
    return sum([event.event_type == event_type async for event in handle.fetch_history_events()])


async def test_the_supervisors_children_survive_a_sigkill_of_its_worker(conn: Connection) -> None:
    parent_queue, specialist_queue = unique("nb11-test-parent"), unique("nb11-test-specialists")
    parent_1, specialists = await asyncio.gather(
        start_worker_process(supervisor, task_queue=parent_queue, name=unique("parent-1")),
        start_worker_process(supervisor, task_queue=specialist_queue, name=unique("specialists")),
    )
    parent_2 = None
    try:
        boss = await conn.client.start_workflow(
            supervisor.SupervisorWorkflow.run, SupervisorRequest(TICKET, 2.0, specialist_queue),
            id=unique("nb11-test-supervisor"), task_queue=parent_queue,
        )  # fmt: skip
        running = await wait_until(lambda: fleet.pending_children(conn.client, boss), 30, "children to start")
        await parent_1.kill()
        for child in running:  # the children finish while the supervisor has no Worker at all
            await asyncio.wait_for(child.result(), RESULT_TIMEOUT_S)
        assert (await boss.describe()).status == WorkflowExecutionStatus.RUNNING
        parent_2 = await start_worker_process(supervisor, task_queue=parent_queue, name=unique("parent-2"))
        reply = await asyncio.wait_for(boss.result(), RESULT_TIMEOUT_S)
        children = await fleet.children_of(conn.client, boss)
        assert {child.id for child in children} == {child.id for child in running}
        assert len(children) == 2, "the offline model asks the billing and the technical specialist"
        assert await count_events(boss, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED) == 2
        assert await count_events(boss, EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED) == 2
        parent_steps = await fleet.activity_starts([boss])
        assert [step.worker for step in parent_steps] == [parent_1.identity, parent_2.identity]
        child_steps = await fleet.activity_starts(children)
        assert {step.worker for step in child_steps} == {specialists.identity}
        assert [step.attempt for step in parent_steps + child_steps] == [1] * (len(parent_steps) + len(child_steps))
        assert [step.name for step in child_steps].count("service_status") == 1
        assert "Checkout: degraded" in reply.answer and reply.answered_by == "Supervisor"
    finally:
        for worker in (parent_1, specialists, parent_2):
            if worker is not None:
                await worker.stop()


async def test_fifty_agents_stay_within_the_model_budget(conn: Connection) -> None:
    model_queue, agent_queue, limit = unique("nb11-test-model-calls"), unique("nb11-test-agents"), 10.0
    routed = await setup(model_params=dataclasses.replace(model_budget.ROUTED_MODEL_PARAMS, task_queue=model_queue))
    agents = await start_worker(routed.client, model_budget, task_queue=agent_queue)
    model_calls = await start_worker(
        routed.client, task_queue=model_queue, name="model-calls", max_task_queue_activities_per_second=limit
    )
    try:
        questions = [f"Customer {i}: why was I charged twice?" for i in range(50)]
        burst = await asyncio.wait_for(
            fleet.run_many(
                routed.client, BudgetedAgentWorkflow.run, questions, id_prefix=unique("nb11-test-budget"),
                task_queue=agent_queue,
            ),
            RESULT_TIMEOUT_S,
        )  # fmt: skip
        calls = [step for step in await fleet.activity_starts(burst.handles) if step.is_model_call]
        assert len(calls) == 50 and {step.worker for step in calls} == {model_calls.identity}
        assert all(step.attempt == 1 for step in calls), "no model call failed"
        assert fleet.over_budget(calls, limit, burst=limit) == 0, fleet.starts_per_second(calls)
        span = (calls[-1].started - calls[0].started).total_seconds()
        assert span >= (50 - limit) / limit * 0.9, f"50 calls at {limit:g}/s after a burst of {limit:g} took {span} s"
    finally:
        await model_calls.stop()
        await agents.stop()


def starts_at(*seconds: float) -> list[ActivityStart]:
    """Model-call starts at these offsets, for checking the budget arithmetic."""
    zero = datetime(2026, 1, 1)
    return [
        ActivityStart("w", "invoke_model_activity", zero, zero + timedelta(seconds=s), 1, "worker", "") for s in seconds
    ]


def test_over_budget_counts_the_worst_stretch_beyond_rate_and_burst() -> None:
    burst_then_steady = starts_at(*[0.0] * 10, *[1 + i / 10 for i in range(10)])
    assert fleet.over_budget(burst_then_steady, per_second=10, burst=10) == 0
    fourteen_at_once = starts_at(*[0.0] * 14)  # the bucket and the clock's slack allow 12
    assert fleet.over_budget(fourteen_at_once, per_second=10, burst=10) == 2
    assert fleet.starts_per_second(burst_then_steady) == [10, 10]


async def test_a_429_with_retry_after_is_retried_after_that_delay(conn: Connection, task_queue: str) -> None:
    routed = await setup(model_params=dataclasses.replace(model_budget.ROUTED_MODEL_PARAMS, task_queue=task_queue))
    worker = await start_worker(routed.client, model_budget, task_queue=task_queue)
    try:
        workflow_id = unique("nb11-test-429")
        inject_model_fault(workflow_id, ModelFault(retry_after_s=1.5))
        handle = await routed.client.start_workflow(
            BudgetedAgentWorkflow.run, "Why was I charged twice?", id=workflow_id, task_queue=task_queue
        )
        await asyncio.wait_for(handle.result(), RESULT_TIMEOUT_S)
        (call,) = await fleet.activity_starts([handle])
        assert call.attempt == 2 and call.waited_s >= 1.5
        assert "429" in call.last_failure
    finally:
        await worker.stop()


async def test_a_worker_killed_among_several_loses_nothing(conn: Connection, task_queue: str) -> None:
    workers = list(
        await asyncio.gather(
            *(start_worker_process(supervisor, task_queue=task_queue, name=unique(f"fleet-{n}")) for n in range(3))
        )
    )
    try:
        task = SpecialistTask("Technical Specialist", "What is the status of Checkout?", tool_seconds=1.5)
        handles = await fleet.start_many(
            conn.client, SpecialistWorkflow.run, [task] * 9, id_prefix=unique("nb11-test-fleet"), task_queue=task_queue
        )
        running = await wait_for_activity(handles[-1], "service_status")
        victim = next(worker for worker in workers if worker.identity == running.worker)
        await victim.kill()
        answers = await asyncio.wait_for(asyncio.gather(*(handle.result() for handle in handles)), RESULT_TIMEOUT_S)
        assert all("Checkout: degraded" in answer for answer in answers)
        for handle in handles:
            assert await count_events(handle, EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) == 3  # model, tool, model
        steps = await fleet.activity_starts(handles)
        again = [step for step in steps if step.attempt > 1]
        assert again and all(step.worker != victim.identity for step in again)
        assert any(step.workflow_id == handles[-1].id and step.name == "service_status" for step in again)
        assert victim.identity in fleet.by_worker(steps)
    finally:
        for worker in workers:
            await worker.stop()
