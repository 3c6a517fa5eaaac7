"""The Agents SDK's own human-in-the-loop route, inside a Temporal Workflow.

A tool declared with ``needs_approval=True`` makes ``Runner.run`` stop before
calling it and return ``interruptions``. The Workflow keeps the paused run in
memory (the Event History makes it durable), waits for the ``review`` Update,
applies ``state.approve(item)`` or ``state.reject(item)`` to the ``RunState``,
and resumes with ``Runner.run(agent, state)``. Notebook 03 compares this with
the plan-level gate of ``recipes/nb03_human_approval/approval_agent.py``.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.openai_agents.workflow import activity_as_tool

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner

TASK_QUEUE = "tool-approval-agent"


@activity.defn
async def issue_refund(customer: str) -> str:
    """Issue a refund to a customer (the risky action a human must approve)."""
    return f"Refund issued to {customer}"


@workflow.defn
class ToolApprovalWorkflow:
    """A support agent whose refund tool pauses the run until a human reviews the call."""

    @workflow.init
    def __init__(self, prompt: str) -> None:
        self.pending: list[str] = []
        self.verdict: bool | None = None

    @workflow.run
    async def run(self, prompt: str) -> str:
        """Run the agent; on each interruption, wait for a review, then resume from the RunState."""
        refund = activity_as_tool(issue_refund, start_to_close_timeout=timedelta(seconds=30))
        agent = Agent(
            name="Support",
            instructions="Help the customer. Use issue_refund when they ask for a refund.",
            tools=[dataclasses.replace(refund, needs_approval=True)],
        )
        result = await Runner.run(agent, prompt)
        while result.interruptions:
            self.pending = [f"{item.name}({item.arguments})" for item in result.interruptions]
            await workflow.wait_condition(lambda: self.verdict is not None)
            state = result.to_state()
            for item in result.interruptions:
                if self.verdict:
                    state.approve(item)
                else:
                    state.reject(item, rejection_message="A human reviewer refused this refund.")
            self.pending, self.verdict = [], None
            result = await Runner.run(agent, state)
        return result.final_output

    @workflow.update
    def review(self, approved: bool) -> str:
        """Approve or reject every pending tool call; say which ones."""
        self.verdict = approved
        return f"{'Approved' if approved else 'Rejected'}: {', '.join(self.pending)}"

    @review.validator
    def check_review(self, approved: bool) -> None:
        """Refuse a review when no tool call is waiting for one."""
        if not self.pending or self.verdict is not None:
            raise ValueError("No tool call is waiting for review.")

    @workflow.query
    def waiting_for_review(self) -> list[str]:
        """The tool calls the agent wants to make and a human has not reviewed yet."""
        return list(self.pending)


WORKFLOWS = [ToolApprovalWorkflow]
ACTIVITIES = [issue_refund]
