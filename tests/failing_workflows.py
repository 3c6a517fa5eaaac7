"""Workflows for the tests that fail on purpose: the Workflow itself, or every one of its Workflow Tasks."""

from __future__ import annotations

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


WORKFLOWS = [FailingWorkflow, BrokenTaskWorkflow, BrokenChatWorkflow]
