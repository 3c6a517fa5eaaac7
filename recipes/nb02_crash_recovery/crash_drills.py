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
    workers: str = "drill-worker",
) -> tuple[WorkflowHandle, float]:
    """Run the agent, SIGKILL its worker while ``tool`` runs, and start another worker.

    Returns the Workflow handle (already completed) and the seconds from the
    kill until Temporal noticed and scheduled the tool's next attempt. With
    ``narrate``, each step prints one line as it happens: a drill takes a few
    seconds, and a notebook cell should not sit silent that long. The workers
    are named ``{workers}-1`` and ``{workers}-2``.
    """
    say = print if narrate else _quiet
    first = await start_worker_process(MODULE, task_queue=task_queue, name=f"{workers}-1")
    handle = await client.start_workflow(ResearchAgentWorkflow.run, request, id=workflow_id, task_queue=task_queue)
    await wait_for_activity(handle, tool)
    say(f"drill: {tool} is running on {workers}-1; SIGKILL")
    await first.kill()
    killed_at = time.monotonic()
    second = asyncio.create_task(start_worker_process(MODULE, task_queue=task_queue, name=f"{workers}-2"))
    await wait_for_activity(handle, tool, min_attempt=2, started=False)
    noticed_after = time.monotonic() - killed_at
    say(f"drill: Temporal noticed and scheduled attempt 2 of {tool}; {workers}-2 is starting")
    try:
        await handle.result()
    finally:
        await (await second).stop()
    say(f"drill: {workers}-2 finished the run")
    return handle, noticed_after


async def crash_side_by_side(client: Client, requests: dict[str, ResearchRequest], *, tool: str) -> dict[str, float]:
    """Run one ``crash_during`` drill per request at the same time, and return each one's seconds to notice.

    Each drill, keyed by its name, has its own Workflow id, Task Queue and
    workers (``nb02-{name}``, ``{name}-worker-1``). Side by side, the drills share
    the machine's load, so their times compare fairly, and together they take about as long as the slower one.
    """
    async with asyncio.TaskGroup() as group:
        drills = {
            name: group.create_task(
                crash_during(
                    client,
                    request,
                    workflow_id=f"nb02-{name}",
                    task_queue=f"nb02-{name}",
                    tool=tool,
                    workers=f"{name}-worker",
                )
            )
            for name, request in requests.items()
        }
    return {name: drill.result()[1] for name, drill in drills.items()}


def _quiet(line: str) -> None:
    """Say nothing (the drill's default)."""
