"""Solutions to the exercises of notebook 03 (human approval).

1. ``TwoPersonApprovalWorkflow``: the plan runs only after two different
   reviewers approve; the Update's validator refuses a second vote from the
   same reviewer, and one rejection is final.
2. ``decide_command``: the ``temporal`` CLI command that sends the ``decide``
   Update (not the Signal), so a terminal gets the outcome or the refusal.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner

from recipes.nb03_human_approval.approval_agent import Decision

APPROVALS_NEEDED = 2


@dataclass
class Votes:
    """The reviewers who approved so far, and a rejection if there was one."""

    approvers: list[str] = field(default_factory=list)
    rejected_by: str | None = None


@workflow.defn
class TwoPersonApprovalWorkflow:
    """Exercise 1: plan, then wait for two approvals from two different reviewers."""

    @workflow.init
    def __init__(self, task: str) -> None:
        self.votes = Votes()
        self.plan = ""

    @workflow.run
    async def run(self, task: str) -> str:
        """Plan; wait for two approvals or one rejection; return the outcome."""
        planner = Agent(name="Planner", instructions="Create a short numbered plan for the task.")
        self.plan = (await Runner.run(planner, task)).final_output
        await workflow.wait_condition(self._settled)
        if self.votes.rejected_by is not None:
            return f"Rejected by {self.votes.rejected_by}"
        return f"Approved by {' and '.join(self.votes.approvers)}"

    @workflow.update
    def vote(self, decision: Decision) -> str:
        """Record one reviewer's vote and say how many approvals are still needed."""
        if not decision.approved:
            self.votes.rejected_by = decision.reviewer
            return "Rejected."
        self.votes.approvers.append(decision.reviewer)
        missing = APPROVALS_NEEDED - len(self.votes.approvers)
        return f"Approved; {missing} more approval needed." if missing else "Approved by two reviewers."

    @vote.validator
    def check_vote(self, decision: Decision) -> None:
        """One vote per reviewer, none after the outcome is settled, none before the plan exists."""
        if self._settled():
            raise ValueError("The decision is already made.")
        if not self.plan:
            raise ValueError("Nothing to decide yet: the plan is not ready.")
        if decision.reviewer in self.votes.approvers:
            raise ValueError(f"{decision.reviewer} already approved; a second reviewer must approve.")

    def _settled(self) -> bool:
        """Whether the outcome is known: one rejection, or enough approvals."""
        return self.votes.rejected_by is not None or len(self.votes.approvers) >= APPROVALS_NEEDED

    @workflow.query
    def approvals(self) -> list[str]:
        """Who has approved so far."""
        return list(self.votes.approvers)


def decide_command(temporal: str, address: str, workflow_id: str, approved: bool, comment: str = "") -> list[str]:
    """Exercise 2: the argv of ``temporal workflow update execute`` for the ``decide`` Update."""
    payload = {"approved": approved, "comment": comment, "reviewer": "terminal"}
    return [
        temporal, "workflow", "update", "execute", "--address", address,
        "--workflow-id", workflow_id, "--name", "decide", "--input", json.dumps(payload),
    ]  # fmt: skip


WORKFLOWS = [TwoPersonApprovalWorkflow]
ACTIVITIES: list = []
