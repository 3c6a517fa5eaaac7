"""The integration guide's ApprovalWorkflow, made right: plan, wait durably for a human, then act or stop.

Notebook 03 shows this file. The guide
(https://docs.temporal.io/ai-cookbook/durable-agent-with-tools) never
initialised ``self.approved``, so its wait condition raised ``AttributeError``
and the run stalled. Here every piece of state is set in ``@workflow.init``
before any handler can run.

A human decides in one of two ways:

* the guide's Signal ``approve(True | False)``: fire and forget, no reply;
* the Update ``decide(Decision)``: its validator refuses a bad decision with a
  reason, and an accepted one returns the outcome at once.

The Query ``status`` tells anyone, at any time, where the run is:
``planning``, ``waiting for approval``, ``executing`` or ``done``.
An optional deadline, a Durable Timer, rejects (or first escalates) a plan
nobody decided on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from temporalio import activity, workflow
from temporalio.openai_agents.workflow import activity_as_tool

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner

TASK_QUEUE = "approval-agent"
MAX_COMMENT = 280
"""The longest comment the Update accepts, in characters."""

WAITING = "waiting for approval"
EXECUTING = "executing"
DONE = "done"


@dataclass
class ApprovalRequest:
    """What to plan, and how long a human has to decide (``None``: wait as long as it takes)."""

    task: str
    deadline_seconds: float | None = None
    on_deadline: Literal["reject", "escalate"] = "reject"


@dataclass
class Decision:
    """A human's decision; a rejection must say why, in at most ``MAX_COMMENT`` characters."""

    approved: bool
    comment: str = ""
    reviewer: str = "someone"


@dataclass
class ApprovalState:
    """Everything the approval panel shows, read with one Query."""

    status: str
    plan: str
    escalated: bool
    decision: str | None
    comment: str


def describe_seconds(seconds: float) -> str:
    """A deadline in words: 2 -> "2 s", 259200 -> "3 days"."""
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            count = int(seconds // size)
            return f"{count} {unit[:-1] if unit == 'days' and count == 1 else unit}"
    return f"{seconds:g} s"


@activity.defn
async def carry_out_plan(plan: str) -> str:
    """Carry out an approved plan. A real system would act here; this one counts the steps it did."""
    steps = [line for line in plan.splitlines() if line.strip()[:1].isdigit()]
    return f"Carried out all {len(steps)} steps of the approved plan"


@workflow.defn
class ApprovalWorkflow:
    """A Planner agent drafts a plan; a human approves or rejects it; an Executor agent carries it out."""

    @workflow.init
    def __init__(self, request: ApprovalRequest) -> None:
        # The fix for the guide's bug: state exists before any Signal, Update or Query can arrive.
        self.approved: bool | None = None
        self.comment = ""
        self.reviewer = ""
        self.plan = ""
        self.escalated = False
        self._status = "planning"

    @workflow.run
    async def run(self, request: ApprovalRequest) -> str:
        """Plan, wait for a decision (or the deadline), then execute or return "Rejected"."""
        planner = Agent(name="Planner", instructions="Create a short numbered plan for the task.")
        self.plan = (await Runner.run(planner, request.task)).final_output
        self._status = WAITING
        await self._wait_for_decision(request)
        if not self.approved:
            self._status = DONE
            return "Rejected" + (f": {self.comment}" if self.comment else "")
        self._status = EXECUTING
        executor = Agent(
            name="Executor",
            instructions="Call carry_out_plan once with the full plan, then report the result.",
            tools=[activity_as_tool(carry_out_plan, start_to_close_timeout=timedelta(seconds=30))],
        )
        result = await Runner.run(executor, self.plan)
        self._status = DONE
        return result.final_output

    async def _wait_for_decision(self, request: ApprovalRequest) -> None:
        """Wait on a Durable Timer: it survives worker restarts and costs nothing while it waits."""
        if request.deadline_seconds is None:
            await workflow.wait_condition(lambda: self.approved is not None)
            return
        deadline = timedelta(seconds=request.deadline_seconds)
        rounds = 2 if request.on_deadline == "escalate" else 1
        for round_ in range(1, rounds + 1):
            try:
                await workflow.wait_condition(lambda: self.approved is not None, timeout=deadline)
                return
            except TimeoutError:
                if round_ < rounds:
                    # Escalate: a real system would page a manager here (an Activity); the Query shows it.
                    self.escalated = True
                    workflow.logger.info("No decision yet; escalating")
        waited = describe_seconds(request.deadline_seconds * rounds)
        self.approved, self.reviewer = False, "deadline"
        self.comment = f"no decision within {waited}" + (" (escalated once)" if self.escalated else "")

    @workflow.signal
    def approve(self, approved: bool) -> None:
        """The guide's Signal: record the decision. While the run is open a later one is ignored, silently."""
        if self.approved is None:
            self.approved, self.reviewer = approved, "signal"

    @workflow.update
    def decide(self, decision: Decision) -> str:
        """Record the decision and tell the reviewer at once what happens next."""
        self.approved, self.comment, self.reviewer = decision.approved, decision.comment.strip(), decision.reviewer
        return "Approved: the plan went to the Executor agent." if decision.approved else "Rejected."

    @decide.validator
    def check_decision(self, decision: Decision) -> None:
        """Refuse, with a reason, a decision that must not count. Nothing is written to history."""
        if self.approved is not None:
            verdict = "approved" if self.approved else "rejected"
            raise ValueError(f"Already decided: {verdict} by {self.reviewer}. Only the first decision counts.")
        if self._status != WAITING:
            raise ValueError(f"Nothing to decide yet: the run is {self._status}.")
        comment = decision.comment.strip()
        if decision.comment and not comment:
            raise ValueError("The comment is only whitespace; write something or leave it out.")
        if not decision.approved and not comment:
            raise ValueError("A rejection needs a comment saying why.")
        if len(comment) > MAX_COMMENT:
            raise ValueError(f"The comment has {len(comment)} characters; the limit is {MAX_COMMENT}.")

    @workflow.query
    def status(self) -> str:
        """Where the run is: planning, waiting for approval, executing or done."""
        return self._status

    @workflow.query
    def state(self) -> ApprovalState:
        """The status, the plan and the decision so far, for the approval panel."""
        decision = None if self.approved is None else ("approved" if self.approved else "rejected")
        return ApprovalState(self._status, self.plan, self.escalated, decision, self.comment)


WORKFLOWS = [ApprovalWorkflow]
ACTIVITIES = [carry_out_plan]
