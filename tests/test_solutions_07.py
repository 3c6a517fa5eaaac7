"""Notebook 07's exercises: every solution passes its check, and the unedited starter fails it.

The checks are the ones a learner runs (``python -m recipes.team_checks``), so
an exercise can never be solved by doing nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from types import ModuleType

import pytest
from temporalio.client import WorkflowUpdateFailedError

import shared
from recipes import team_checks
from recipes.approval_agent import Decision
from recipes.exercises import ex07_teams as starters
from recipes.solutions import ex07_teams as solutions


async def worker_for(conn, module: ModuleType) -> AsyncIterator[tuple[ModuleType, str]]:
    task_queue = f"test-ex07-{uuid.uuid4().hex[:8]}"
    worker = await shared.start_worker(
        conn.client, task_queue=task_queue, workflows=module.WORKFLOWS, activities=module.ACTIVITIES
    )
    yield module, task_queue
    await worker.stop()


@pytest.fixture(scope="module")
async def solved(conn) -> AsyncIterator[tuple[ModuleType, str]]:
    async for pair in worker_for(conn, solutions):
        yield pair


@pytest.fixture(scope="module")
async def unedited(conn) -> AsyncIterator[tuple[ModuleType, str]]:
    async for pair in worker_for(conn, starters):
        yield pair


CHECKS = [check for _, check in team_checks.CHECKS]
NAMES = [title.split(". ")[1] for title, _ in team_checks.CHECKS]


@pytest.mark.parametrize("check", CHECKS, ids=NAMES)
async def test_the_solution_passes(conn, solved, check):
    module, task_queue = solved
    await check(conn.client, module, task_queue)


@pytest.mark.parametrize(
    ("check", "hint"),
    [
        (team_checks.check_add_a_specialist, "not the 'Shipping Specialist'"),
        (team_checks.check_tolerant_fan_out, "The Workflow failed: "),
        (team_checks.check_guardrail_asks_a_human, "ended without asking a human"),
    ],
    ids=NAMES,
)
async def test_the_unedited_starter_fails_with_a_hint(conn, unedited, check, hint):
    module, task_queue = unedited
    with pytest.raises(AssertionError, match=hint):
        await check(conn.client, module, task_queue)


async def test_the_solution_refuses_a_rejection_without_a_reason_then_stops_on_one(conn, solved):
    module, task_queue = solved
    handle = await conn.client.start_workflow(
        module.ReviewedSupportWorkflow.run, team_checks.CARD_TICKET, id=f"ex07-3-{uuid.uuid4().hex[:8]}",
        task_queue=task_queue,
    )  # fmt: skip
    await team_checks.wait_for_review(handle, module.ReviewedSupportWorkflow.status)
    rejection = Decision(approved=False, comment="", reviewer="ana")
    with pytest.raises(WorkflowUpdateFailedError) as refused:
        await handle.execute_update(module.ReviewedSupportWorkflow.review, rejection)
    assert refused.value.cause.message == "A rejection needs a comment saying why."
    outcome = await handle.execute_update(
        module.ReviewedSupportWorkflow.review, Decision(approved=False, comment="no cards", reviewer="ana")
    )
    assert outcome == "Stopped."
    result = await handle.result()
    assert (result.status, result.guardrail) == ("blocked", "no_card_numbers")
