"""Exercise 09.2, solved: stream a second agent's reply after the first.

Both agents run with ``Runner.run_streamed`` (through ``streamed``), so a
subscriber sees two replies arrive, one after the other, on the same topic.
"""

from __future__ import annotations

from agents import Agent
from temporalio import workflow

from recipes.nb09_mcp_and_streaming.streaming_agent import TripPlannerWorkflow, streamed


@workflow.defn
class PlanAndPackWorkflow(TripPlannerWorkflow):
    """The trip planner streams the plan (the stream comes from the parent's init), then a packer streams too."""

    @workflow.run
    async def run(self, prompt: str) -> str:
        """Stream both replies and return them together."""
        the_plan = await self.plan(prompt)
        packer = Agent(name="Packer", instructions="You say what to take along, in one sentence.")
        packing = await streamed(packer, f"What should I pack? {prompt}")
        await self.close_stream()
        return f"{the_plan}\n{packing}"
