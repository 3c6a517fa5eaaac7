"""Many agents, one model budget: every model call goes to one Task Queue whose Activities are rate limited.

A provider's rate limit belongs to the API key, not to one agent or one
Worker. So the agents' Workflows send their model-call Activities to a
dedicated Task Queue, ``MODEL_QUEUE`` (``ModelActivityParameters.task_queue``),
and the Workers polling it set ``max_task_queue_activities_per_second``: the
server then hands out at most that many model calls per second, to all of
that queue's Workers together. A call over the budget waits in the queue
(as a later ``ActivityTaskStarted``) instead of failing with HTTP 429.

The module has no side effects on import, so the Workflow sandbox can re-import it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.openai_agents import ModelActivityParameters

from recipes.nb07_teams_of_agents.support_team import billing_specialist, run_agent

AGENT_QUEUE = "nb11-agents"
MODEL_QUEUE = "nb11-model-calls"

CALLS_PER_SECOND = 10.0
"""The model budget: at most this many model calls start per second, across every Worker of ``MODEL_QUEUE``."""

ROUTED_MODEL_PARAMS = ModelActivityParameters(
    task_queue=MODEL_QUEUE,
    start_to_close_timeout=timedelta(seconds=30),
    # Waiting for the budget is not the model's fault: no schedule-to-start limit, so a queued call never times out.
    retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=200)),
)
"""Model calls of every Workflow whose Worker's client was set up with these go to ``MODEL_QUEUE``."""


@workflow.defn
class BudgetedAgentWorkflow:
    """One agent answering one question; its model calls run wherever the client's model parameters send them."""

    @workflow.run
    async def run(self, question: str) -> str:
        """Ask the Billing Specialist (notebook 07) the question."""
        return (await run_agent(billing_specialist(), question)).final_output


WORKFLOWS = [BudgetedAgentWorkflow]
ACTIVITIES: list = []
SETUP_OPTIONS = {"model_params": ROUTED_MODEL_PARAMS}
