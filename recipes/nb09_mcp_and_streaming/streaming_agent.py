"""An agent whose reply streams out of the Workflow while the model call runs.

``Runner.run_streamed`` inside a Workflow runs each model call as the
streaming model Activity. That Activity publishes every model event (a
``response.output_text.delta`` per few words, say) to the Workflow's
``WorkflowStream`` on the topic ``STREAM_TOPIC``, and anyone outside can
subscribe to it. The Workflow itself only gets the complete reply, once the
Activity returns: the Event History records the final result once, whatever
the subscribers saw.

Two rules from the integration: the plugin needs ``streaming_topic`` in its
``ModelActivityParameters`` (``MODEL_PARAMS``), and the Workflow must create
its ``WorkflowStream`` in ``@workflow.init``.
"""

from __future__ import annotations

from datetime import timedelta

from agents import Agent, Runner
from temporalio import workflow
from temporalio.contrib.workflow_streams import WorkflowStream
from temporalio.openai_agents import ModelActivityParameters

STREAM_TOPIC = "model-events"

MODEL_PARAMS = ModelActivityParameters(
    start_to_close_timeout=timedelta(seconds=60),
    # The model Activity heartbeats on its own: a Worker that dies mid-call is noticed in 5 s. (At 2 s, a loaded
    # 2-core machine delayed heartbeats enough to time out a healthy stream.)
    heartbeat_timeout=timedelta(seconds=5),
    streaming_topic=STREAM_TOPIC,
    # Events are published in batches, every 100 ms by default (the value here); lower means smoother and more Signals.
    streaming_batch_interval=timedelta(milliseconds=100),
)
"""Model Activity settings: streaming needs a topic (``Runner.run`` ignores it, so every agent can share them)."""


@workflow.defn
class TripPlannerWorkflow:
    """Plan a camping trip with ``Runner.run_streamed``; subscribers watch the plan being written."""

    @workflow.init
    def __init__(self, prompt: str) -> None:
        # The streaming Activity publishes here; without a WorkflowStream its events would be dropped.
        self.stream = WorkflowStream()

    @workflow.run
    async def run(self, prompt: str) -> str:
        """Stream the plan to subscribers and return it once complete."""
        reply = await self.plan(prompt)
        await self.close_stream()
        return reply

    async def plan(self, prompt: str) -> str:
        """The trip planner's reply, streamed."""
        planner = Agent(name="Trip planner", instructions="You plan camping trips in three short steps.")
        return await streamed(planner, prompt)

    async def close_stream(self) -> None:
        """Answer the subscribers' waiting polls before the run ends, so no Update is cut off.

        Subscribers then read whatever is left from the finished run with a Query.
        """
        self.stream.detach_pollers()
        await workflow.wait_condition(workflow.all_handlers_finished)


async def streamed(agent: Agent, prompt: str) -> str:
    """Run the agent with ``Runner.run_streamed``, so subscribers see its words, and return its final output."""
    result = Runner.run_streamed(agent, prompt)
    async for _event in result.stream_events():
        pass  # the Workflow gets each model call's events only once its Activity has returned
    return str(result.final_output)


WORKFLOWS = [TripPlannerWorkflow]
