"""Check every exercise both ways: the solution must pass, and the unedited starter must not.

Each notebook's exercises have a solution module, ``recipes/solutions/exNN_*.py``,
and a starter module with the same name in ``recipes/exercises/``, which the
learner edits. A test module writes one check per exercise and lets it run on
both::

    from tests.exercises import solution_and_starter

    @solution_and_starter("ex01_durable_agent")
    async def test_exercise_2_second_tool(ex, conn, task_queue):
        ...  # use ex.WeatherAndTimeWorkflow, ex.ACTIVITIES, ...; assert what the exercise asks

The test runs twice. ``[solution]`` must pass. ``[starter]`` is a strict
expected failure: it must fail with an ``AssertionError`` (the check saw the
exercise undone) or a ``NotImplementedError`` (a TODO still raises). If the
starter passes, or crashes in any other way, the test fails: an exercise can
never be solved by doing nothing, and a broken starter is caught. So a check
must fail fast and plainly on the starter: bound every wait with ``within``.
Where a check's message is the learner's hint, ``starter_fails_with`` (a
regular expression) also requires the starter to fail with that message.

``make exercises NB=01`` sets ``CHECK_MY_EXERCISES=1``: then only the starters
run, and they are expected to pass. That is how learners check their edits.
"""

from __future__ import annotations

import asyncio
import importlib
import os
from collections.abc import Awaitable
from typing import Any, TypeVar

import pytest
from temporalio.client import WorkflowFailureError, WorkflowHandle

from shared import first_workflow_task_failure

T = TypeVar("T")

LEARNER_MODE = os.environ.get("CHECK_MY_EXERCISES") == "1"
"""Set by ``make exercises``: check the learner's edited starters, expecting them to pass."""

NOT_DONE = (AssertionError, NotImplementedError)
"""The ways an unedited starter may fail its check."""


def solution_and_starter(
    name: str,
    *,
    starter_fails_with: str | None = None,
    solutions: str = "recipes.solutions",
    starters: str = "recipes.exercises",
) -> pytest.MarkDecorator:
    """Run the decorated test with ``ex`` set to the solution module (must pass) and the starter (must fail)."""
    solution = importlib.import_module(f"{solutions}.{name}")
    starter = importlib.import_module(f"{starters}.{name}")
    if LEARNER_MODE:
        return pytest.mark.parametrize("ex", [pytest.param(starter, id="starter")])
    must_fail = pytest.mark.xfail(
        strict=True,
        raises=pytest.RaisesExc(NOT_DONE, match=starter_fails_with),
        reason=f"{starter.__name__} is an unedited starter, so its check must fail "
        "(if you solved it there, check it with `make exercises` instead)",
    )
    return pytest.mark.parametrize(
        "ex", [pytest.param(solution, id="solution"), pytest.param(starter, id="starter", marks=must_fail)]
    )


async def within(awaitable: Awaitable[T], seconds: float, what: str) -> T:
    """Await with a deadline; running out of time is a failed check (an ``AssertionError``), not a hang."""
    try:
        return await asyncio.wait_for(awaitable, seconds)
    except TimeoutError:
        raise AssertionError(f"{what} did not happen within {seconds:g} s") from None


async def workflow_result(handle: WorkflowHandle, timeout: float = 30.0) -> Any:
    """The Workflow's result; a failure or a stuck Workflow Task becomes an ``AssertionError`` that says why."""
    try:
        return await asyncio.wait_for(handle.result(), timeout)
    except WorkflowFailureError as err:
        raise AssertionError(f"The Workflow failed: {err.cause}") from None
    except TimeoutError:
        failure = await first_workflow_task_failure(handle, timeout=1)
        raise AssertionError(f"The Workflow is stuck: its Workflow Task fails with {failure.message}") from None
