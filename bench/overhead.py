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
from dataclasses import dataclass, field

from bench.harness import OFFLINE, Harness, HistoryShape, cpu_seconds
from bench.setups import Setup
from recipes.nb06_what_durability_costs.bench_agent import PROMPT, STEPS, run_plain

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


@dataclass
class _Tally:
    """What the counted runs of one row added up to."""

    times_ms: list[float] = field(default_factory=list)
    worker_cpu_ms: float = 0.0
    server_cpu_ms: float | None = 0.0
    """``None`` once a reading is missing (no ``/proc``, as on macOS)."""

    def add(self, seconds: float, worker_cpu_s: float, server_cpu_s: float | None) -> None:
        self.times_ms.append(seconds * 1000)
        self.worker_cpu_ms += worker_cpu_s * 1000
        self.server_cpu_ms = (
            None if self.server_cpu_ms is None or server_cpu_s is None else (self.server_cpu_ms + server_cpu_s * 1000)
        )


async def measure_overhead(
    harness: Harness, setups: Sequence[Setup], *, rounds: int = 5, block: int = 6, warmup: int = 3
) -> list[OverheadRow]:
    """Time every setup and plain ``Runner.run`` in interleaved rounds; return plain's row first."""
    await _check_steps()
    shapes = {s.name: await HistoryShape.of(await harness.run_agent_handle(s)) for s in setups}
    tallies = {PLAIN: _Tally(server_cpu_ms=None), **{s.name: _Tally() for s in setups}}
    # Setups with the same model-call parameters take their turns next to each other: switching costs a Worker restart.
    order = [None, *sorted(setups, key=lambda s: s.local_model_calls)]
    for _ in range(rounds):
        for setup in order:
            tally = tallies[setup.name if setup else PLAIN]
            server = await harness.server_pid(setup) if setup else None
            handle = None
            for i in range(warmup + block):
                worker_cpu, server_cpu, started = time.process_time(), cpu_seconds(server), time.perf_counter()
                if setup:
                    handle = await harness.run_agent_handle(setup)
                else:
                    await run_plain(PROMPT, OFFLINE.provider)
                seconds = time.perf_counter() - started
                if i >= warmup:
                    server_after = cpu_seconds(server)
                    server_spent = None if server_cpu is None or server_after is None else server_after - server_cpu
                    tally.add(seconds, time.process_time() - worker_cpu, server_spent)
            if setup and handle and await HistoryShape.of(handle) != shapes[setup.name]:
                raise RuntimeError(
                    f"{setup.name} wrote a different history than in its first run: another Worker in this process "
                    "changed the plugin's model-call parameters (see bench/harness.py)."
                )
    plain_ms = statistics.median(tallies[PLAIN].times_ms)
    runs = rounds * block

    def row(name: str, change: str, trade: str, shape: HistoryShape | None) -> OverheadRow:
        tally = tallies[name]
        server_ms = None if tally.server_cpu_ms is None else tally.server_cpu_ms / runs
        return OverheadRow(name, change, trade, tally.times_ms, plain_ms, shape, tally.worker_cpu_ms / runs, server_ms)

    plain = row(PLAIN, "no Temporal: nothing is recorded, nothing survives a crash", "", None)
    return [plain, *(row(s.name, s.change, s.trade, shapes[s.name]) for s in setups)]


async def _check_steps() -> None:
    """Refuse to report per-step figures if the agent no longer takes ``STEPS`` steps."""
    _, steps = await run_plain(PROMPT, OFFLINE.provider)
    if steps != STEPS:
        raise RuntimeError(
            f"The benchmark agent took {steps} steps, not {STEPS}; update "
            "recipes/nb06_what_durability_costs/bench_agent.py."
        )
