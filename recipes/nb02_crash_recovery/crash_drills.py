"""Crash drills for notebook 02: kill a worker process at a chosen moment and time the recovery.

Each drill starts its own worker process, runs one research Workflow, kills
the worker with SIGKILL while a tool works, and starts a fresh worker. They
only use public APIs, so you can read them as a recipe for your own drills.
"""

from __future__ import annotations

import asyncio
import time

from temporalio.client import Client, WorkflowHandle

from recipes.nb02_crash_recovery.research_agent import ResearchAgentWorkflow, ResearchRequest
from shared import start_worker_process, wait_for_activity

MODULE = "recipes.nb02_crash_recovery.research_agent"


async def crash_during(
    client: Client,
    request: ResearchRequest,
    *,
    workflow_id: str,
    task_queue: str,
    tool: str,
    narrate: bool = False,
) -> tuple[WorkflowHandle, float]:
    """Run the agent, SIGKILL its worker while ``tool`` runs, and start another worker.

    Returns the Workflow handle (already completed) and the seconds from the
    kill until Temporal noticed and scheduled the tool's next attempt. With
    ``narrate``, each step prints one line as it happens: a drill takes a few
    seconds, and a notebook cell should not sit silent that long.
    """
    say = print if narrate else _quiet
    first = await start_worker_process(MODULE, task_queue=task_queue, name="drill-worker-1")
    handle = await client.start_workflow(ResearchAgentWorkflow.run, request, id=workflow_id, task_queue=task_queue)
    await wait_for_activity(handle, tool)
    say(f"drill: {tool} is running on drill-worker-1; SIGKILL")
    await first.kill()
    killed_at = time.monotonic()
    second = asyncio.create_task(start_worker_process(MODULE, task_queue=task_queue, name="drill-worker-2"))
    await wait_for_activity(handle, tool, min_attempt=2, started=False)
    noticed_after = time.monotonic() - killed_at
    say(f"drill: Temporal noticed and scheduled attempt 2 of {tool}; drill-worker-2 is starting")
    try:
        await handle.result()
    finally:
        await (await second).stop()
    say("drill: drill-worker-2 finished the run")
    return handle, noticed_after


def _quiet(line: str) -> None:
    """Say nothing (the drill's default)."""
