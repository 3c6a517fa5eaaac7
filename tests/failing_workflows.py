"""Workflows for the tests that fail on purpose: the Workflow, each of its Workflow Tasks, or one in time."""

from __future__ import annotations

import time
from pathlib import Path

from temporalio import workflow
from temporalio.exceptions import ApplicationError

LONG_CAUSE = (
    "Runner.run_streamed requires ModelActivityParameters.streaming_topic to be set, and the words that explain "
    "it come last: the tool 'lookup' is not registered on this worker"
)
"""A cause longer than the table's 120 characters, whose end matters."""


@workflow.defn
class FailingWorkflow:
    """Fails at once, for good."""

    @workflow.run
    async def run(self) -> None:
        raise ApplicationError(LONG_CAUSE, type="AgentsWorkflowError", non_retryable=True)


@workflow.defn
class BrokenTaskWorkflow:
    """Raises a plain exception, so each Workflow Task fails and is retried: the run looks stuck."""

    @workflow.run
    async def run(self) -> None:
        raise RuntimeError("the Workflow code is broken: " + LONG_CAUSE)


@workflow.defn
class BrokenChatWorkflow:
    """A chat whose ``send`` Update breaks the Workflow Task that runs it: the caller of the Update waits."""

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.update
    async def send(self, message: str) -> str:
        raise RuntimeError("the chat's code is broken: " + LONG_CAUSE)


@workflow.defn
class SlowOnceChatWorkflow:
    """A chat whose first ``send`` holds its Workflow Task longer than the task's timeout, as a busy Worker would.

    The server times that task out and schedules attempt 2, which answers at once: a Workflow Task that timed out,
    not one whose code fails. The first time is marked by creating ``marker`` (the test's own file).
    """

    @workflow.run
    async def run(self) -> None:
        await workflow.wait_condition(lambda: False)

    @workflow.update
    async def send(self, marker: str) -> str:
        with workflow.unsafe.sandbox_unrestricted():
            first = not Path(marker).exists()
            if first:
                Path(marker).touch()
                time.sleep(SLOW_TASK_S)  # blocks this Workflow Task, as a Worker starved of CPU would
        return "answered"


SLOW_TASK_S = 1.5
"""Longer than the one-second Workflow Task timeout the test gives the run, shorter than the deadlock detector's 2 s."""

WORKFLOWS = [FailingWorkflow, BrokenTaskWorkflow, BrokenChatWorkflow, SlowOnceChatWorkflow]
