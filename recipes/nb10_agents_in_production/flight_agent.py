"""An agent whose tool needs an API key, and gets it on the Worker, never through the Workflow.

A Worker process runs this module, started with the key in its environment.
The Workflow passes the tool only what the model asked for (the route); the
Activity reads ``FLIGHTS_API_KEY`` from its own process when it runs. So the
key never becomes a payload: it is in no Workflow input, no
Activity input or result, and no Event History.

The integration's ``temporal_worker_env_ref`` does not cover this case: it
resolves references only in hosted tool configurations (a ``HostedMCPTool``'s
``authorization`` and headers, the ``domain_secrets`` of a ``CodeInterpreterTool``
or ``ShellTool``) inside the model Activity, and ``TemporalWorkerEnvValue`` does
the same for sandbox manifests. A function tool is your own Activity, so it
reads its secret itself, as below.
"""

from __future__ import annotations

import os
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError
from temporalio.openai_agents.workflow import activity_as_tool

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner

API_KEY_ENV = "FLIGHTS_API_KEY"


@activity.defn
async def search_flights(route: str) -> str:
    """Search flights on a route (a stand-in for a paid flights API that needs a key)."""
    api_key = os.environ.get(API_KEY_ENV, "")
    if not api_key:
        raise ApplicationError(
            f"{API_KEY_ENV} is not set on this Worker: set it in the Worker's environment, never in a Workflow input.",
            type="MissingApiKey",
            non_retryable=True,
        )
    # A real tool would send the key in a request header; this stand-in only checks it has one.
    return f"3 direct flights to {route} tomorrow, from 120 EUR (searched with the Worker's API key)"


@workflow.defn
class FlightAgentWorkflow:
    """A travel agent with one tool, which runs as an Activity on a Worker that holds the API key."""

    @workflow.run
    async def run(self, prompt: str) -> str:
        """Answer the prompt, searching flights as the model asks."""
        agent = Agent(
            name="Flight Finder",
            instructions="Help the user find flights. Use search_flights for any question about flights.",
            tools=[
                activity_as_tool(
                    search_flights,
                    start_to_close_timeout=timedelta(seconds=10),
                    retry_policy=RetryPolicy(maximum_attempts=3),
                )
            ],
        )
        result = await Runner.run(agent, prompt)
        return result.final_output


WORKFLOWS = [FlightAgentWorkflow]
ACTIVITIES = [search_flights]
