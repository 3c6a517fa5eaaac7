"""Notebook 01's weather agent, out of the notebook: start one run and print the answer.

Needs a Worker polling the Task Queue (``worker.py`` next to this file). The
prompt is the first argument:

    .venv/bin/python examples/durable_agent/starter.py "What's the weather in Lima and Paris?"
"""

from __future__ import annotations

import asyncio
import sys
import uuid

from temporalio.client import Client
from temporalio.envconfig import ClientConfig
from temporalio.openai_agents import OpenAIAgentsPlugin

from recipes.nb01_durable_agent.weather_agent import TASK_QUEUE, WeatherAgentWorkflow


async def main(prompt: str) -> None:
    """Start the agent Workflow, wait for its answer, and print it with the run's id."""
    config = ClientConfig.load_client_connect_config()
    config.setdefault("target_host", "localhost:7233")
    # The starter needs the plugin too: it sets the data converter that the Worker uses (Pydantic).
    # It never calls a model, so it needs no model provider.
    client = await Client.connect(**config, plugins=[OpenAIAgentsPlugin()])

    handle = await client.start_workflow(
        WeatherAgentWorkflow.run, prompt, id=f"weather-{uuid.uuid4().hex[:8]}", task_queue=TASK_QUEUE
    )
    print(f"Started Workflow {handle.id}; waiting for a Worker to finish it.", flush=True)
    print(await handle.result())


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "What's the weather in Tokyo?"))
