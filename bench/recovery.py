"""How fast an agent recovers from a SIGKILLed worker, with and without heartbeats.

Two worker processes serve the research agent of notebook 02, as two
machines would in production. The drill waits until ``read_sources`` (a slow,
heartbeating tool) runs, kills the worker running it with SIGKILL, and reads
from the Event History when the surviving worker started the next attempt
(resumed) and when the agent finished (completed), counted from the kill.
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

import shared
from recipes.nb02_crash_recovery.research_agent import ResearchAgentWorkflow, ResearchRequest

TOOL = "read_sources"
TOOL_SECONDS = 3.0
START_TO_CLOSE_S = 8.0


@dataclass(frozen=True)
class Drill:
    """One way to run the crashed tool, and the worker module that hosts it."""

    name: str
    heartbeat_timeout_s: float | None
    module: str
    """Notebook 02's ``research_agent`` offers the next Workflow Task to a dead worker's cache for 2 s;
    the bench's copy keeps the SDK's 10 s."""


DRILLS = [
    Drill("no heartbeat (start_to_close_timeout 8 s)", None, "recipes.nb02_crash_recovery.research_agent"),
    Drill("heartbeat_timeout 2 s", 2.0, "recipes.nb02_crash_recovery.research_agent"),
    Drill("heartbeat_timeout 2 s, sticky timeout 10 s (SDK default)", 2.0, "bench.sdk_default_worker"),
]


@dataclass
class Recovery:
    """What one drill measured, in seconds after the SIGKILL."""

    name: str
    heartbeat_timeout_s: float | None
    resumed_s: float
    completed_s: float

    def as_dict(self) -> dict[str, object]:
        """The drill for the JSON file."""
        return {
            "name": self.name,
            "heartbeat_timeout_s": self.heartbeat_timeout_s,
            "resumed_s": round(self.resumed_s, 3),
            "completed_s": round(self.completed_s, 3),
            "tool_seconds": TOOL_SECONDS,
        }


async def measure_recovery(client: Client, drills: list[Drill] = DRILLS) -> list[Recovery]:
    """Run each drill once, each on its own Task Queue and with its own worker processes."""
    return [await crash_and_time(client, drill) for drill in drills]


async def crash_and_time(client: Client, drill: Drill) -> Recovery:
    """Kill the worker running the tool, let the other one take over, and time both moments from the history."""
    task_queue = f"bench-recovery-{uuid.uuid4().hex[:8]}"
    workers = [
        await shared.start_worker_process(drill.module, task_queue=task_queue, name=f"bench-recovery-{i}")
        for i in (1, 2)
    ]
    try:
        outbox = str(Path(tempfile.mkdtemp(prefix="bench-recovery-")) / "outbox.db")
        request = ResearchRequest(
            "Temporal", outbox, tool_seconds=TOOL_SECONDS, heartbeat_timeout_s=drill.heartbeat_timeout_s,
            start_to_close_s=START_TO_CLOSE_S, tools=[TOOL],
        )  # fmt: skip
        handle = await client.start_workflow(
            ResearchAgentWorkflow.run, request, id=f"bench-recovery-{uuid.uuid4().hex}", task_queue=task_queue
        )
        running = await shared.wait_for_activity(handle, TOOL)
        victim = next(w for w in workers if w.identity == running.worker)
        await victim.kill()
        killed_at = datetime.now(UTC)
        await handle.result()
        events = (await handle.fetch_history()).events
    finally:
        for worker in workers:
            await worker.stop()
    retried = [
        e
        for e in events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
        and e.activity_task_started_event_attributes.attempt > 1
    ]
    resumed = retried[0].event_time.ToDatetime(UTC)  # when the attempt started, though the event is written at its end
    completed = events[-1].event_time.ToDatetime(UTC)
    return Recovery(
        drill.name,
        drill.heartbeat_timeout_s,
        (resumed - killed_at).total_seconds(),
        (completed - killed_at).total_seconds(),
    )
