"""Notebook 11's exercises: each check passes on the solution and fails on the unedited starter.

Each check runs the module under check on Workers of its own; its messages are
the hints a learner reads from ``make exercises NB=11``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from types import ModuleType

from temporalio.client import WorkflowExecutionStatus
from temporalio.worker import Worker

from recipes.nb11_agents_at_scale import fleet, model_budget
from recipes.nb11_agents_at_scale.model_budget import BudgetedAgentWorkflow
from shared import Connection, setup, start_worker
from tests.exercises import solution_and_starter, within

EX = "ex11_scale"
TICKET = "A billing and a technical question: why was I charged twice this month, and what is the status of Checkout?"


@solution_and_starter(EX, starter_fails_with="did not answer in time")
async def test_exercise_1_a_specialist_that_runs_out_of_time_is_reported(
    ex: ModuleType, conn: Connection, task_queue: str
) -> None:
    worker = await start_worker(conn.client, ex, task_queue=task_queue)
    try:
        request = ex.PatientRequest(TICKET, tool_seconds=5.0, specialist_queue=task_queue, deadline_s=1.0)
        boss = await conn.client.start_workflow(
            ex.PatientSupervisorWorkflow.run, request, id=f"ex11-1-{uuid.uuid4().hex[:8]}", task_queue=task_queue
        )
        reply = await within(boss.result(), 30, "the supervisor's reply")
        assert "The Technical Specialist did not answer in time." in reply.answer, (
            "The supervisor's reply should say 'The Technical Specialist did not answer in time.' (its status check "
            f"takes 5 s, its deadline is 1 s); it said: {reply.answer[:200]}. See TODO 1 in "
            "recipes/exercises/ex11_scale.py."
        )
        statuses = {
            child.id.rsplit("/", 1)[1]: (await child.describe()).status
            for child in await fleet.children_of(conn.client, boss)
        }
        assert statuses == {
            "billing-1": WorkflowExecutionStatus.COMPLETED,
            "technical-2": WorkflowExecutionStatus.TIMED_OUT,
        }, f"each specialist should run as a child Workflow with its own deadline; the children: {statuses}"
    finally:
        await worker.stop()


@solution_and_starter(EX, starter_fails_with="limits each Worker on its own")
async def test_exercise_2_two_model_call_workers_share_one_budget(ex: ModuleType, conn: Connection) -> None:
    limit, calls_wanted = 5.0, 30
    tag = uuid.uuid4().hex[:8]
    model_queue, agent_queue = f"ex11-2-model-calls-{tag}", f"ex11-2-agents-{tag}"
    params = dataclasses.replace(model_budget.ROUTED_MODEL_PARAMS, task_queue=model_queue)
    routed = await setup(model_params=params, quiet=True)
    agents = await start_worker(routed.client, model_budget, task_queue=agent_queue)
    options = ex.model_call_worker_options(limit)
    model_workers = [  # two Workers of one Task Queue need two clients in one process (two machines in real life)
        Worker((await setup(model_params=params, quiet=True)).client, task_queue=model_queue, workflows=[],
               activities=[], identity=f"model-calls-{n}", **options)
        for n in (1, 2)
    ]  # fmt: skip
    runs = [asyncio.create_task(worker.run()) for worker in model_workers]
    try:
        questions = [f"Customer {i}: why was I charged twice?" for i in range(calls_wanted)]
        burst = await within(
            fleet.run_many(
                routed.client, BudgetedAgentWorkflow.run, questions, id_prefix=f"ex11-2-{tag}", task_queue=agent_queue
            ),
            60,
            f"{calls_wanted} agents",
        )
        calls = [step for step in await fleet.activity_starts(burst.handles) if step.is_model_call]
        over = fleet.over_budget(calls, limit, burst=limit)
        assert over == 0, (
            f"Two model-call Workers started {over} model call(s) more than {limit:g} per second (plus a burst of "
            f"{limit:g}) allows: {options} limits each Worker on its own. See TODO 2 in recipes/exercises/ex11_scale.py"
        )
    finally:
        await asyncio.gather(*(worker.shutdown() for worker in model_workers))
        await asyncio.gather(*runs, return_exceptions=True)
        await agents.stop()
