"""Start-up costs: the dev server, a worker process, and the first durable answer in a fresh Jupyter kernel."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from dataclasses import dataclass

from jupyter_client.manager import AsyncKernelManager

import shared
from shared import DevServer, start_dev_server

FIRST_RESULT_CELL = """
import shared
from recipes.nb06_what_durability_costs.bench_agent import ACTIVITIES, WORKFLOWS, BenchAgentWorkflow, BenchRequest
conn = await shared.setup(quiet=True)
worker = await shared.start_worker(conn.client, task_queue="{queue}", workflows=WORKFLOWS, activities=ACTIVITIES)
await conn.client.execute_workflow(BenchAgentWorkflow.run, BenchRequest(), id="{queue}", task_queue="{queue}")
"""
"""The notebook's first cells, condensed: set up, start a Worker, run the agent once."""


@dataclass
class Startup:
    """One start-up measurement, the median of ``samples`` tries."""

    name: str
    samples_s: list[float]

    @property
    def median_s(self) -> float:
        """The median, in seconds."""
        return statistics.median(self.samples_s)

    def as_dict(self) -> dict[str, object]:
        """The measurement for the JSON file."""
        samples = [round(s, 3) for s in self.samples_s]
        return {"name": self.name, "median_s": round(self.median_s, 3), "samples_s": samples}


async def server_start(tries: int = 3) -> Startup:
    """Seconds from launching a dev server process until it answers."""
    samples = []
    for _ in range(tries):
        server = DevServer(None)
        started = time.perf_counter()
        await server.start()
        samples.append(time.perf_counter() - started)
        server.stop()
    return Startup("dev server start", samples)


SPARE_SETTLE_S = 4.0
"""How long a warm try waits first, so that the spare's imports are done (about 1.5 s on an idle machine)."""


async def worker_process_starts(tries: int = 3) -> list[Startup]:
    """Seconds from launching a worker process until it polls its Task Queue: cold, and handed to the warm spare.

    The tries alternate, cold then warm, so both see the same machine. A cold
    start (``COOKBOOK_WARM_SPARE=0``) includes the imports; a warm one is the
    spare the kernel started after the previous Worker, given time to import.
    """
    await start_dev_server()
    await _worker_start()  # not measured: it starts the kernel's first spare
    cold, warm = [], []
    for _ in range(tries):
        os.environ["COOKBOOK_WARM_SPARE"] = "0"
        cold.append(await _worker_start())
        os.environ["COOKBOOK_WARM_SPARE"] = "1"
        await asyncio.sleep(SPARE_SETTLE_S)
        warm.append(await _worker_start())
    return [Startup("worker process start, cold", cold), Startup("worker process start, warm spare", warm)]


async def _worker_start() -> float:
    """Start one worker process, stop it, and return the seconds it took to poll."""
    started = time.perf_counter()
    worker = await shared.start_worker_process(
        "recipes.nb06_what_durability_costs.bench_agent", task_queue=f"bench-start-{uuid.uuid4().hex[:8]}",
        name="bench-startup",
    )  # fmt: skip
    seconds = time.perf_counter() - started
    await worker.stop()
    return seconds


async def first_result_in_fresh_kernel(tries: int = 1) -> Startup:
    """Seconds from launching a Jupyter kernel to the agent's first durable answer in it.

    It includes the kernel's start, the imports, the kernel's own dev server and
    a Worker: everything a learner waits for before the first answer.
    """
    samples = []
    for _ in range(tries):
        manager = AsyncKernelManager(kernel_name="python3")
        started = time.perf_counter()
        await manager.start_kernel(env={**os.environ, "OPENAI_AGENTS_DISABLE_TRACING": "1"})
        client = manager.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            cell = FIRST_RESULT_CELL.format(queue=f"bench-kernel-{uuid.uuid4().hex[:8]}")
            reply = await client.execute_interactive(cell, timeout=120, output_hook=lambda msg: None)
            samples.append(time.perf_counter() - started)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"The first-result cell failed in a fresh kernel: {reply['content'].get('evalue')}")
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=False)
    return Startup("first durable result in a fresh kernel", samples)
