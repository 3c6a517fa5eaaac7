"""Servers, clients and Workers for the benchmark's setups, all in this process.

``Harness`` starts what the setups need once: the cookbook's embedded dev
server (``shared.start_dev_server``), a second dev server with Temporal's
default settings when a setup asks for it, one client with the OpenAI Agents
plugin per setup, and one in-process Worker per setup on its own Task Queue.
The model is always the offline model: the benchmark measures what Temporal
adds to a step, and a real model's latency would drown it.

One catch shapes the harness: the OpenAI Agents plugin makes ``Runner.run``
inside Workflows use a runner that it installs process-wide when a Worker
starts, with that Worker's model-call parameters. Two Workers in one process
with different parameters (Activities here, Local Activities there) would
share whichever started last. So the harness only ever runs Workers with the
same parameters: switching to a setup with other parameters stops every
Worker first (newest first, which restores the plugin's runner in order), and
the setup's Worker starts afresh.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import TracebackType

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.openai_agents import ModelActivityParameters

import shared
from bench.setups import Setup
from recipes.nb06_what_durability_costs.bench_agent import (
    ACTIVITIES,
    PROMPT,
    WORKFLOWS,
    BenchAgentWorkflow,
    BenchRequest,
)
from shared import BackgroundWorker, DevServer, ModelChoice, OfflineModelProvider, agents_plugin, start_dev_server

OFFLINE = ModelChoice(
    OfflineModelProvider(), "the offline model", "the offline model, a deterministic stand-in", offline=True
)

LOCAL_MODEL_PARAMS = ModelActivityParameters(start_to_close_timeout=timedelta(seconds=60), use_local_activity=True)
"""``shared.agents_plugin``'s model-call parameters, with each model call a Local Activity."""


def cpu_seconds(pid: int | None) -> float | None:
    """CPU time (user + system) another process has used so far, from ``/proc`` (``None`` where there is none)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None  # no /proc (macOS): the CPU columns stay empty
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class HistoryShape:
    """What one run writes to its Event History: the same every run, whatever the machine."""

    events: int
    workflow_tasks: int
    activities: int
    local_activities: int

    @classmethod
    async def of(cls, handle: WorkflowHandle) -> HistoryShape:
        """Count the events of a finished run."""
        events = (await handle.fetch_history()).events
        kinds = [e.event_type for e in events]
        return cls(
            events=len(events),
            workflow_tasks=kinds.count(EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED),
            activities=kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
            local_activities=kinds.count(EventType.EVENT_TYPE_MARKER_RECORDED),
        )


async def workflow_task_waits(handle: WorkflowHandle) -> list[float]:
    """How long each Workflow Task of a finished run waited between being scheduled and a Worker starting it, in ms.

    This is where a step queues on the server before any Worker sees it: the
    wait that Temporal's default transfer-queue rate made long on the dev server.
    """
    scheduled: dict[int, float] = {}
    waits = []
    for event in (await handle.fetch_history()).events:
        at = event.event_time.ToMicroseconds() / 1000
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
            scheduled[event.event_id] = at
        elif event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
            waits.append(at - scheduled[event.workflow_task_started_event_attributes.scheduled_event_id])
    return waits


@dataclass
class Ready:
    """A setup ready to run: its client and the Task Queue its Worker polls."""

    setup: Setup
    client: Client
    task_queue: str
    worker: BackgroundWorker


class Harness:
    """Everything the setups need, started on first use and stopped on exit."""

    def __init__(self) -> None:
        self._servers: dict[tuple[tuple[str, str], ...], DevServer] = {}
        self._own_servers: list[DevServer] = []
        self._clients: dict[str, Client] = {}
        self._ready: dict[str, Ready] = {}
        self._prefix = uuid.uuid4().hex[:6]
        self._starting = asyncio.Lock()  # runs started at once share one first start
        # The offline model answers every setup: no key is needed, so no trace is exported either.
        os.environ.setdefault("OPENAI_AGENTS_DISABLE_TRACING", "1")

    async def __aenter__(self) -> Harness:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop every Worker and every server this harness started (not the kernel's own server)."""
        await self.stop_workers()
        for server in self._own_servers:
            server.stop()
        self._own_servers.clear()
        self._servers.clear()

    async def server_for(self, setup: Setup) -> DevServer:
        """The dev server with the setup's settings: the cookbook's own, or a second one started here."""
        if setup.server_config is None:
            return await start_dev_server()
        key = tuple(sorted(setup.server_config.items()))
        if key not in self._servers:
            server = DevServer(None, dynamic_config=dict(setup.server_config))
            await server.start()
            self._servers[key] = server
            self._own_servers.append(server)
        return self._servers[key]

    async def stop_workers(self) -> None:
        """Stop every Worker this harness runs, newest first."""
        for ready in reversed(list(self._ready.values())):
            await ready.worker.stop()
        self._ready.clear()

    async def ready(self, setup: Setup) -> Ready:
        """The setup's client and Worker, started on first use (see the module docstring for when it restarts)."""
        if setup.key in self._ready:
            return self._ready[setup.key]
        async with self._starting:
            if setup.key not in self._ready:
                await self._start(setup)
        return self._ready[setup.key]

    async def _start(self, setup: Setup) -> None:
        """Start the setup's client and Worker, stopping Workers whose model-call settings differ."""
        if any(r.setup.local_model_calls != setup.local_model_calls for r in self._ready.values()):
            await self.stop_workers()
        client = await self._client(setup)
        task_queue = f"bench-{self._prefix}-{setup.key}"
        worker = await shared.start_worker(
            client,
            task_queue=task_queue,
            workflows=WORKFLOWS,
            activities=ACTIVITIES,
            name=f"bench-{setup.key}",
            **setup.worker_options,
        )
        self._ready[setup.key] = Ready(setup, client, task_queue, worker)

    async def _client(self, setup: Setup) -> Client:
        """A client with the plugin configured for the setup's model calls, connected once."""
        if setup.key not in self._clients:
            server = await self.server_for(setup)
            params = LOCAL_MODEL_PARAMS if setup.local_model_calls else None  # None: shared's own defaults
            self._clients[setup.key] = await Client.connect(
                server.address, plugins=[agents_plugin(OFFLINE, params)], identity=f"bench@{os.getpid()}"
            )
        return self._clients[setup.key]

    async def run_agent(self, setup: Setup, prompt: str = PROMPT) -> float:
        """Run the benchmark agent once under this setup and return the seconds it took, end to end."""
        started = time.perf_counter()
        await self.run_agent_handle(setup, prompt)
        return time.perf_counter() - started

    async def run_agent_handle(self, setup: Setup, prompt: str = PROMPT) -> WorkflowHandle:
        """Run the benchmark agent once under this setup and return its (finished) Workflow handle."""
        ready = await self.ready(setup)
        handle = await ready.client.start_workflow(
            BenchAgentWorkflow.run,
            BenchRequest(prompt, local_tool=setup.local_tool),
            id=f"bench-{uuid.uuid4().hex}",
            task_queue=ready.task_queue,
            request_eager_start=setup.eager_start,
        )
        await handle.result()
        return handle

    async def server_pid(self, setup: Setup) -> int | None:
        """The process id of the server this setup runs on."""
        server = await self.server_for(setup)
        return server.process.pid if server.process else None
