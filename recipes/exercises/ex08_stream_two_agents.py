"""Exercise 08.2: stream a second agent's reply after the first.

The planner's reply streams; the packer's does not, so a subscriber sees only
the plan and then waits in silence. Make the packer stream too.
"""

from __future__ import annotations

from agents import Agent, Runner
from temporalio import workflow
from temporalio.contrib.workflow_streams import WorkflowStream

from recipes.streaming_agent import streamed


@workflow.defn
class PlanAndPackWorkflow:
    """A planner streams the plan, then a packer says what to pack."""

    @workflow.init
    def __init__(self, prompt: str) -> None:
        self.stream = WorkflowStream()

    @workflow.run
    async def run(self, prompt: str) -> str:
        """Stream the plan, then the packing advice, and return them together."""
        planner = Agent(name="Trip planner", instructions="You plan camping trips in three short steps.")
        packer = Agent(name="Packer", instructions="You say what to take along, in one sentence.")
        the_plan = await streamed(planner, prompt)
        # TODO: run the packer the way the planner runs, with `streamed`, so its words stream too.
        packing = (await Runner.run(packer, f"What should I pack? {prompt}")).final_output
        return f"{the_plan}\n{packing}"
