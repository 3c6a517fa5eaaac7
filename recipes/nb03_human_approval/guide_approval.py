"""The integration guide's ApprovalWorkflow exactly as written (imports aside), kept to show its bug.

The guide: https://docs.temporal.io/ai-cookbook/durable-agent-with-tools (announced at
https://temporal.io/blog/announcing-openai-agents-sdk-integration).

``self.approved`` is read by the wait condition but only ever set by the
Signal, so the first check raises ``AttributeError``. That fails the Workflow
Task, which Temporal retries forever: the run looks stuck, with no error.
Notebook 03 runs it once to show this; ``recipes/nb03_human_approval/approval_agent.py`` is the fix.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner


@workflow.defn
class SeedApprovalWorkflow:
    """The guide's version: planner, wait for approval, executor. Never initialises ``self.approved``."""

    @workflow.run
    async def run(self, task: str) -> str:
        """Plan, wait for the Signal, then execute or reject."""
        # Agent generates plan
        planner = Agent(name="Planner", instructions="Create plan")
        plan_result = await Runner.run(planner, task)

        # Wait for human approval
        await workflow.wait_condition(lambda: self.approved is not None)

        if self.approved:
            # Execute plan
            executor = Agent(name="Executor", instructions="Execute")
            result = await Runner.run(executor, plan_result.final_output)
            return result.final_output
        else:
            return "Rejected"

    @workflow.signal
    def approve(self, approved: bool) -> None:
        """Record the decision (the only place ``self.approved`` is ever set)."""
        self.approved = approved


WORKFLOWS = [SeedApprovalWorkflow]
ACTIVITIES: list = []
