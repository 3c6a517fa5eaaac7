"""Notebook 03's exercises: edit the TODOs, then run ``make exercises NB=03``.

1. ``TwoPersonApprovalWorkflow``: it starts as the notebook's rule (one approval
   is enough). Make it a two-person rule: the run goes on only after two
   *different* reviewers approve; the validator refuses a second vote from the
   same reviewer, and one rejection ends the run.
2. ``decide_command``: the ``temporal`` CLI command that sends the ``decide``
   Update (not the Signal), so a terminal gets the outcome or the refusal.
"""

from __future__ import annotations

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
        """Plan; wait for the approvals or one rejection; return the outcome."""
        planner = Agent(name="Planner", instructions="Create a short numbered plan for the task.")
        self.plan = (await Runner.run(planner, task)).final_output
        # TODO: wait until APPROVALS_NEEDED reviewers approved (not just one), or one rejected.
        await workflow.wait_condition(lambda: len(self.votes.approvers) >= 1 or self.votes.rejected_by is not None)
        if self.votes.rejected_by is not None:
            return f"Rejected by {self.votes.rejected_by}"
        return f"Approved by {' and '.join(self.votes.approvers)}"

    @workflow.update
    def vote(self, decision: Decision) -> str:
        """Record one reviewer's vote and say what happens next."""
        if not decision.approved:
            self.votes.rejected_by = decision.reviewer
            return "Rejected."
        self.votes.approvers.append(decision.reviewer)
        return "Approved."  # TODO: say how many approvals are still needed.

    @vote.validator
    def check_vote(self, decision: Decision) -> None:
        """Refuse a vote that must not count; nothing is written to the Event History."""
        if not self.plan:
            raise ValueError("Nothing to decide yet: the plan is not ready.")
        # TODO: refuse any vote once the outcome is settled (a rejection, or enough approvals),
        #       and a second approval from a reviewer who already approved.

    @workflow.query
    def approvals(self) -> list[str]:
        """Who has approved so far."""
        return list(self.votes.approvers)


def decide_command(temporal: str, address: str, workflow_id: str, approved: bool, comment: str = "") -> list[str]:
    """Exercise 2: the argv of ``temporal workflow update execute`` for the ``decide`` Update.

    ``temporal`` is the CLI's path and ``address`` the server's (``--address``). The Update's input is one
    JSON object with the fields of ``Decision``: ``approved``, ``comment`` and ``reviewer`` ("terminal").
    """
    # TODO: return the argv list: [temporal, "workflow", "update", "execute", "--address", address, ...],
    #       naming the Workflow (--workflow-id), the Update (--name) and its input (--input, JSON).
    raise NotImplementedError("exercise 2: replace this line with your code")


WORKFLOWS = [TwoPersonApprovalWorkflow]
ACTIVITIES: list = []
