"""What Temporal adds to each agent step, per setup, measured side by side with plain ``Runner.run``.

The setups take turns in rounds: in each round every setup (and plain
``Runner.run``) runs a block of back-to-back agent runs, so a machine that
slows down or speeds up during the benchmark affects every row alike. The
first runs of each block warm up (caches, connections, the server's read
allowance) and are not counted: the figures are steady state.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from bench.harness import OFFLINE, Harness, HistoryShape, cpu_seconds
from bench.setups import Setup
from recipes.bench_agent import PROMPT, STEPS, run_plain

PLAIN = "plain Runner.run"


@dataclass
class OverheadRow:
    """One row of the overhead table."""

    name: str
    change: str
    trade: str
    runs_ms: list[float]
    """Every counted run, end to end, in milliseconds."""
    plain_ms: float
    """The median plain ``Runner.run`` of the same benchmark, in milliseconds."""
    shape: HistoryShape | None = None
    """What one run writes to the Event History (none for plain ``Runner.run``)."""
    worker_cpu_ms: float | None = None
    """CPU time of this process (client, Worker, model) per counted run, in milliseconds."""
    server_cpu_ms: float | None = None
    """CPU time of the Temporal server per counted run, in milliseconds."""

    @property
    def run_ms(self) -> float:
        """The median run, in milliseconds."""
        return statistics.median(self.runs_ms)

    @property
    def per_step_ms(self) -> float:
        """The median overhead per step over plain ``Runner.run``, in milliseconds."""
        return (self.run_ms - self.plain_ms) / STEPS

    @property
    def per_step_p95_ms(self) -> float:
        """The 95th-percentile overhead per step, in milliseconds."""
        return (percentile(self.runs_ms, 95) - self.plain_ms) / STEPS

    @property
    def ratio(self) -> float:
        """How many times longer than plain ``Runner.run`` a run takes (median over median)."""
        return self.run_ms / self.plain_ms

    def as_dict(self) -> dict[str, object]:
        """The row for the JSON file."""
        return {
            "name": self.name,
            "change": self.change,
            "trade": self.trade,
            "runs": len(self.runs_ms),
            "run_ms_median": round(self.run_ms, 2),
            "per_step_ms_median": round(self.per_step_ms, 2),
            "per_step_ms_p95": round(self.per_step_p95_ms, 2),
            "ratio_to_plain": round(self.ratio, 2),
            "history": None if self.shape is None else self.shape.__dict__,
            "worker_cpu_ms_per_step": _per_step(self.worker_cpu_ms),
            "server_cpu_ms_per_step": _per_step(self.server_cpu_ms),
            "runs_ms": [round(t, 2) for t in self.runs_ms],
        }


def _per_step(ms_per_run: float | None) -> float | None:
    return None if ms_per_run is None else round(ms_per_run / STEPS, 2)


def percentile(values: Sequence[float], pct: float) -> float:
    """The ``pct``-th percentile, interpolating between the two nearest values."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * pct / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


async def measure_overhead(
    harness: Harness, setups: Sequence[Setup], *, rounds: int = 5, block: int = 6, warmup: int = 3
) -> list[OverheadRow]:
    """Time every setup and plain ``Runner.run`` in interleaved rounds; return plain's row first."""
    await _check_steps()
    shapes = {s.name: await HistoryShape.of(await harness.run_agent_handle(s)) for s in setups}
    servers = {s.name: await harness.server_pid(s) for s in setups}
    times: dict[str, list[float]] = {PLAIN: [], **{s.name: [] for s in setups}}
    cpu: dict[str, list[float]] = {name: [0.0, 0.0] for name in times}
    for _ in range(rounds):
        for name in times:
            setup = next((s for s in setups if s.name == name), None)
            for i in range(warmup + block):
                before = (cpu_seconds(), cpu_seconds(servers.get(name)))
                seconds = await harness.run_agent(setup) if setup else await _time_plain()
                after = (cpu_seconds(), cpu_seconds(servers.get(name)))
                if i >= warmup:
                    times[name].append(seconds * 1000)
                    for side in (0, 1):
                        if before[side] is not None and after[side] is not None:
                            cpu[name][side] += (after[side] - before[side]) * 1000
    plain_ms = statistics.median(times[PLAIN])
    runs = rounds * block
    plain = OverheadRow(
        PLAIN, "no Temporal: nothing is recorded, nothing survives a crash", "", times[PLAIN], plain_ms,
        worker_cpu_ms=cpu[PLAIN][0] / runs,
    )  # fmt: skip
    rows = [
        OverheadRow(
            s.name,
            s.change,
            s.trade,
            times[s.name],
            plain_ms,
            shapes[s.name],
            worker_cpu_ms=cpu[s.name][0] / runs,
            server_cpu_ms=cpu[s.name][1] / runs if servers[s.name] else None,
        )  # fmt: skip
        for s in setups
    ]
    return [plain, *rows]


async def _time_plain() -> float:
    started = time.perf_counter()
    await run_plain(PROMPT, OFFLINE.provider)
    return time.perf_counter() - started


async def _check_steps() -> None:
    """Refuse to report per-step figures if the agent no longer takes ``STEPS`` steps."""
    _, steps = await run_plain(PROMPT, OFFLINE.provider)
    if steps != STEPS:
        raise RuntimeError(f"The benchmark agent took {steps} steps, not {STEPS}; update recipes/bench_agent.py.")
