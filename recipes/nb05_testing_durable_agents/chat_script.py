"""A scripted conversation with the chat Workflow, the one notebooks 04 and 05 and the tests record.

Client-side code (it starts and drives a Workflow; it is not Workflow code).
Run it as a module to re-record the replay fixture of the tests::

    python -m recipes.nb05_testing_durable_agents.chat_script tests/fixtures/chat_agent_history.json

It records in the time-skipping test server with the offline model, so the
three-day reminder fires at once and the history is the same every time.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.client import Client, WorkflowHandle

from recipes.nb04_long_running_agents.chat_agent import ChatAgentWorkflow, ChatInput

SAMPLE_TURNS = [
    "Hi! I'm planning a trip to Lisbon",
    "What's the weather in Lisbon?",
    "Remind me in 3 days about Lisbon",
]


async def run_sample_chat(
    client: Client,
    *,
    task_queue: str,
    workflow_id: str,
    wait: Callable[[timedelta], Awaitable[None]] | None = None,
) -> WorkflowHandle:
    """Have the sample conversation, let three days pass with ``wait``, end the chat and return its handle."""
    chat = await client.start_workflow(ChatAgentWorkflow.run, ChatInput(), id=workflow_id, task_queue=task_queue)
    for message in SAMPLE_TURNS:
        await chat.execute_update(ChatAgentWorkflow.send, message)
    if wait is not None:
        await wait(timedelta(days=3))
    await chat.execute_update(ChatAgentWorkflow.end)
    await chat.result()
    return chat


async def record(path: Path) -> None:
    """Record the sample chat in the time-skipping server and save its Event History as JSON."""
    from temporalio.worker import Worker

    from recipes.nb04_long_running_agents.chat_agent import ACTIVITIES, WORKFLOWS
    from shared import agents_plugin, save_history, start_time_skipping

    async with await start_time_skipping(plugins=[]) as env:
        address = env.client.service_client.config.target_host
        client = await Client.connect(address, plugins=[agents_plugin()], identity="fixture-recorder")
        async with Worker(client, task_queue="chat-fixture", workflows=WORKFLOWS, activities=ACTIVITIES):
            chat = await run_sample_chat(client, task_queue="chat-fixture", workflow_id="chat-fixture", wait=env.sleep)
            await save_history(chat, path)


if __name__ == "__main__":
    asyncio.run(record(Path(sys.argv[1])))
