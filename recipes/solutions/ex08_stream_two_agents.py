"""Exercise 08.2, solved: stream a second agent's reply after the first.

Both agents run with ``Runner.run_streamed`` (through ``streamed``), so a
subscriber sees two replies arrive, one after the other, on the same topic.
"""

from __future__ import annotations

from agents import Agent
from temporalio import workflow
from temporalio.contrib.workflow_streams import WorkflowStream

from recipes.streaming_agent import streamed


@workflow.defn
class PlanAndPackWorkflow:
    """A planner streams the plan, then a packer streams what to pack."""

    @workflow.init
    def __init__(self, prompt: str) -> None:
        self.stream = WorkflowStream()

    @workflow.run
    async def run(self, prompt: str) -> str:
        """Stream both replies and return them together."""
        planner = Agent(name="Trip planner", instructions="You plan camping trips in three short steps.")
        packer = Agent(name="Packer", instructions="You say what to take along, in one sentence.")
        the_plan = await streamed(planner, prompt)
        packing = await streamed(packer, f"What should I pack? {prompt}")
        return f"{the_plan}\n{packing}"
