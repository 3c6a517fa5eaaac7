"""Many agents at once: throughput in steps per second, and how long each agent waits for its answer."""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bench.harness import Harness, cpu_seconds
from bench.overhead import percentile
from bench.setups import Setup
from recipes.nb06_what_durability_costs.bench_agent import STEPS


@dataclass
class ConcurrencyPoint:
    """One setup with ``agents`` runs started at the same moment."""

    setup: str
    agents: int
    wall_s: float
    latencies_s: list[float]
    worker_cpu_s: float | None = None
    """CPU time this process (client and Worker) spent during the burst."""
    server_cpu_s: float | None = None
    """CPU time the Temporal server spent during the burst."""

    @property
    def steps_per_s(self) -> float:
        """Agent steps completed per second of wall time."""
        return self.agents * STEPS / self.wall_s

    @property
    def p50_s(self) -> float:
        """Median time from starting an agent to its answer."""
        return statistics.median(self.latencies_s)

    @property
    def p95_s(self) -> float:
        """95th-percentile time from starting an agent to its answer."""
        return percentile(self.latencies_s, 95)

    @property
    def cpu_ms_per_step(self) -> float | None:
        """Worker plus server CPU time per step, in milliseconds."""
        if self.worker_cpu_s is None or self.server_cpu_s is None:
            return None
        return (self.worker_cpu_s + self.server_cpu_s) * 1000 / (self.agents * STEPS)

    @property
    def cpu_bound_steps_per_s(self) -> float | None:
        """The most steps per second this machine's cores could do at this CPU cost per step."""
        cost = self.cpu_ms_per_step
        return None if not cost else (os.cpu_count() or 1) * 1000 / cost

    def as_dict(self) -> dict[str, object]:
        """The point for the JSON file."""
        steps = self.agents * STEPS
        return {
            "setup": self.setup,
            "agents": self.agents,
            "wall_s": round(self.wall_s, 3),
            "steps_per_s": round(self.steps_per_s, 1),
            "p50_s": round(self.p50_s, 3),
            "p95_s": round(self.p95_s, 3),
            "worker_cpu_ms_per_step": None if self.worker_cpu_s is None else round(self.worker_cpu_s * 1000 / steps, 2),
            "server_cpu_ms_per_step": None if self.server_cpu_s is None else round(self.server_cpu_s * 1000 / steps, 2),
            "cpu_bound_steps_per_s": None if self.cpu_bound_steps_per_s is None else round(self.cpu_bound_steps_per_s),
        }


async def measure_concurrency(
    harness: Harness, setups: Sequence[Setup], levels: Sequence[int] = (1, 10, 100, 500)
) -> list[ConcurrencyPoint]:
    """For each level, run that many agents at once under each setup, the setups taking turns."""
    ordered = sorted(setups, key=lambda s: s.local_model_calls)  # fewer Worker restarts (see bench.harness)
    points = []
    for agents in levels:
        for setup in ordered:
            await harness.run_agent(setup)  # warm up the Worker and the connection, restarted or not
            points.append(await _burst(harness, setup, agents))
    return sorted(points, key=lambda p: (p.agents, [s.name for s in setups].index(p.setup)))


async def _burst(harness: Harness, setup: Setup, agents: int) -> ConcurrencyPoint:
    server = await harness.server_pid(setup)
    cpu_before = (time.process_time(), cpu_seconds(server))
    started = time.perf_counter()
    latencies = await asyncio.gather(*(harness.run_agent(setup) for _ in range(agents)))
    wall = time.perf_counter() - started
    cpu_after = (time.process_time(), cpu_seconds(server))
    spent = [None if a is None or b is None else b - a for a, b in zip(cpu_before, cpu_after, strict=True)]
    return ConcurrencyPoint(setup.name, agents, wall, list(latencies), spent[0], spent[1])
