"""Notebook 01's weather agent, out of the notebook: the Worker, as an ordinary process.

Run it against a Temporal server in three terminals, from the repository root:

    .venv/bin/temporal server start-dev                    # 1: a dev server on localhost:7233, Web UI on :8233
    .venv/bin/python examples/durable_agent/worker.py      # 2: this Worker; Ctrl+C stops it
    .venv/bin/python examples/durable_agent/starter.py     # 3: start the agent and print its answer

``TEMPORAL_ADDRESS`` (with ``TEMPORAL_NAMESPACE``, ``TEMPORAL_API_KEY``,
``TEMPORAL_TLS_*`` or a ``temporal.toml`` profile) points both processes at
another cluster or Temporal Cloud instead.
"""

from __future__ import annotations

import asyncio
import os
import signal
from datetime import timedelta

from temporalio.client import Client
from temporalio.envconfig import ClientConfig
from temporalio.openai_agents import ModelActivityParameters, OpenAIAgentsPlugin
from temporalio.worker import Worker

from recipes.nb01_durable_agent.weather_agent import TASK_QUEUE, WeatherAgentWorkflow, get_weather

# The one cookbook helper used here: OpenAI if OPENAI_API_KEY is set, an OpenAI-compatible server if
# OPENAI_BASE_URL is set, else the offline stand-in. With a key you could drop it and pass no model_provider.
from shared import select_model


async def main() -> None:
    """Connect with the OpenAI Agents plugin, then poll the Task Queue until Ctrl+C or SIGTERM."""
    config = ClientConfig.load_client_connect_config()  # TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key
    config.setdefault("target_host", "localhost:7233")
    model = select_model()
    plugin = OpenAIAgentsPlugin(
        # Each model call is an Activity: give it a timeout. Retries are Temporal's (the client has max_retries=0).
        model_params=ModelActivityParameters(start_to_close_timeout=timedelta(seconds=60)),
        model_provider=model.provider,
    )
    client = await Client.connect(**config, plugins=[plugin])

    worker = Worker(client, task_queue=TASK_QUEUE, workflows=[WeatherAgentWorkflow], activities=[get_weather])

    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    async with worker:  # polls until the block exits, then shuts down gracefully
        print(f"Worker {os.getpid()} polls Task Queue {TASK_QUEUE!r} at {config['target_host']}.", flush=True)
        print(f"Model: {model.description}. Stop with Ctrl+C.", flush=True)
        await stop.wait()
    print("Worker stopped.", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
