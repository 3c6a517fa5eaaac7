"""Exercise 09.2: stream a second agent's reply after the first.

The planner's reply streams; the packer's does not, so a subscriber sees only
the plan and then waits in silence. Make the packer stream too.

Check your work with ``make exercises NB=09``.
"""

from __future__ import annotations

from agents import Agent, Runner
from temporalio import workflow

from recipes.nb09_mcp_and_streaming.streaming_agent import TripPlannerWorkflow, streamed  # noqa: F401 (you will need `streamed`)


@workflow.defn
class PlanAndPackWorkflow(TripPlannerWorkflow):
    """The trip planner streams the plan (the stream comes from the parent's init), then a packer answers."""

    @workflow.run
    async def run(self, prompt: str) -> str:
        """Stream the plan, then the packing advice, and return them together."""
        the_plan = await self.plan(prompt)
        packer = Agent(name="Packer", instructions="You say what to take along, in one sentence.")
        # TODO: the packer's words do not stream. Look at how `plan` (in TripPlannerWorkflow) runs the planner.
        packing = (await Runner.run(packer, f"What should I pack? {prompt}")).final_output
        await self.close_stream()
        return f"{the_plan}\n{packing}"
