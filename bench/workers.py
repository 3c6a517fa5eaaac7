"""Throughput against the number of Worker processes on one Task Queue, on this machine.

Notebook 11's specialists (``recipes.nb11_agents_at_scale.supervisor``) run
in Worker processes: one Task Queue served by 1 process, one by 2, one by 3,
all started before anything is timed. Each round starts the same burst of
agents on each queue in turn, so a machine that gets busier slows every row
alike. An agent is the Technical Specialist answering one status question:
a model call, a tool, a model call (``AGENT_STEPS`` Activities).

On one machine every process shares the same cores with the server and this
client, so the figures show how much CPU headroom a machine has, not how a
cluster scales: on a cluster each Worker brings its own cores.
"""

from __future__ import annotations

import asyncio
import statistics
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from temporalio.client import Client

import shared
from recipes.nb11_agents_at_scale import fleet, supervisor
from recipes.nb11_agents_at_scale.supervisor import SpecialistTask, SpecialistWorkflow

AGENT_STEPS = 3
"""Activities per agent: the model asks for the status check, the check runs, the model answers."""

TASK = SpecialistTask("Technical Specialist", "What is the status of Checkout?")


@dataclass
class WorkersPoint:
    """One number of Worker processes, and the wall time of each round's burst of agents."""

    processes: int
    agents: int
    walls_s: list[float]

    @property
    def agents_per_s(self) -> float:
        """Agents finished per second, in the median round."""
        return self.agents / statistics.median(self.walls_s)

    @property
    def steps_per_s(self) -> float:
        """Activities (model calls and tools) finished per second, in the median round."""
        return self.agents_per_s * AGENT_STEPS

    def as_dict(self) -> dict[str, object]:
        """The point for the JSON file."""
        return {
            "processes": self.processes,
            "agents": self.agents,
            "walls_s": [round(w, 3) for w in self.walls_s],
            "agents_per_s": round(self.agents_per_s, 2),
            "steps_per_s": round(self.steps_per_s, 1),
        }


async def measure_workers(
    client: Client, counts: Sequence[int] = (1, 2, 3), agents: int = 60, rounds: int = 3
) -> list[WorkersPoint]:
    """Time ``rounds`` bursts of ``agents`` agents on a Task Queue served by each number of Worker processes."""
    tag = uuid.uuid4().hex[:8]
    queues = {count: f"bench-workers-{count}-{tag}" for count in counts}
    starting = [
        shared.start_worker_process(supervisor, task_queue=queue, name=f"bench-workers-{count}-{n}")
        for count, queue in queues.items()
        for n in range(1, count + 1)
    ]
    workers = []
    try:
        for started in starting:  # one at a time: start-up is not what is measured, and 2 cores are few
            workers.append(await started)
        walls: dict[int, list[float]] = {count: [] for count in counts}
        for round_ in range(rounds):
            for count, queue in queues.items():
                burst = await fleet.run_many(
                    client, SpecialistWorkflow.run, [TASK] * agents, id_prefix=f"{queue}-{round_}", task_queue=queue
                )
                walls[count].append(burst.wall_s)
    finally:
        await asyncio.gather(*(worker.stop() for worker in workers))
    return [WorkersPoint(count, agents, walls[count]) for count in counts]
