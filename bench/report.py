"""One table for everything the benchmark measured, and the JSON file with every number behind it."""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime

import temporalio

from bench.concurrency import ConcurrencyPoint
from bench.history_growth import Growth
from bench.long_task import LongTask
from bench.overhead import PLAIN, OverheadRow
from bench.recovery import Recovery
from bench.setups import BEFORE
from bench.startup import Startup
from bench.workers import WorkersPoint
from recipes.nb06_what_durability_costs.bench_agent import STEPS

LIMIT_NAMES = {
    "payload": "2 MB payload",
    "history_bytes": "50 MB history",
    "history_events": "51,200 events",
    "updates": "2,000 Updates",
}


@dataclass
class Results:
    """Everything one benchmark run measured."""

    overhead: list[OverheadRow] = field(default_factory=list)
    concurrency: list[ConcurrencyPoint] = field(default_factory=list)
    recovery: list[Recovery] = field(default_factory=list)
    startup: list[Startup] = field(default_factory=list)
    growth: list[Growth] = field(default_factory=list)
    long_tasks: list[LongTask] = field(default_factory=list)
    workers: list[WorkersPoint] = field(default_factory=list)
    load_before: tuple[float, float, float] | None = None
    load_after: tuple[float, float, float] | None = None

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The table: section, what, the headline figure, and the details."""
        rows = []
        before = next((r for r in self.overhead if r.name == BEFORE.name), None)
        for row in self.overhead:
            if row.name == PLAIN:
                rows.append(("overhead", row.name, f"{row.run_ms:.1f} ms/run", f"{STEPS} steps, nothing recorded"))
                continue
            detail = f"p95 {row.per_step_p95_ms:+.1f} ms/step, {row.ratio:.0f}x plain"
            if before is not None and row is not before:
                detail += f", {before.run_ms / row.run_ms:.1f}x faster than before"
            if row.shape is not None:
                detail += f", {row.shape.events} events"
            rows.append(("overhead", row.name, f"{row.per_step_ms:+.1f} ms/step", detail))
        for point in self.concurrency:
            detail = f"p50 {point.p50_s:.2f} s, p95 {point.p95_s:.2f} s per agent"
            if point.cpu_ms_per_step is not None:
                detail += f", {point.cpu_ms_per_step:.1f} ms CPU/step: the cores cap it at "
                detail += f"{point.cpu_bound_steps_per_s:.0f} steps/s"
            what = f"{point.setup}, {point.agents} agent{'s' if point.agents > 1 else ''}"
            rows.append(("concurrency", what, f"{point.steps_per_s:.0f} steps/s", detail))
        for drill in self.recovery:
            rows.append(
                (
                    "recovery",
                    drill.name,
                    f"resumed {drill.resumed_s:.2f} s",
                    f"completed {drill.completed_s:.2f} s after the SIGKILL",
                )
            )
        for item in self.startup:
            spread = f"{min(item.samples_s):.2f}-{max(item.samples_s):.2f} s" if len(item.samples_s) > 1 else "1 try"
            rows.append(("start-up", item.name, f"{item.median_s:.2f} s", spread))
        for chat in self.growth:
            first = chat.first_limit()
            if first is None:
                largest = max(t.history_bytes for t in chat.turns)
                events = max(t.history_events for t in chat.turns)
                value = "no limit reached"
                detail = f"each run stays under {largest / 1024:.0f} KB and {events} events"
            else:
                name, turn = first
                value = f"{LIMIT_NAMES[name]} at turn {turn}"
                detail = f"+{chat.bytes_per_turn() / 1024:.1f} KB at turn {chat.first_run()[-1].turn}; "
                detail += f"the server suggests continue-as-new from turn {chat.limit_turns()['suggested']}"
                if chat.continued_at() is not None:
                    detail += f" (the chat did, at turn {chat.continued_at()})"
            rows.append(("history", chat.name, value, detail))
        for task in self.long_tasks:
            rows.append(("long task", task.name, *long_task_row(task)))
        one = next((p for p in self.workers if p.processes == 1), None)
        for point in self.workers:
            detail = f"{point.agents} agents at once, median of {len(point.walls_s)} round(s)"
            if one is not None and point is not one:
                detail += f", {point.agents_per_s / one.agents_per_s:.2f}x one process"
            what = f"{point.processes} Worker process{'es' if point.processes > 1 else ''}"
            rows.append(("workers", what, f"{point.steps_per_s:.0f} steps/s", detail))
        return rows

    def __repr__(self) -> str:
        return self.table()

    def table(self) -> str:
        """The table as aligned text."""
        header = ("section", "what", "result", "details")
        rows = [header, *self.rows()]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = ["  ".join([*(r[i].ljust(widths[i]) for i in range(3)), r[3]]).rstrip() for r in rows]
        lines.insert(1, "  ".join("-" * w for w in [*widths, len(header[3])]))
        return "\n".join(lines)

    def markdown(self) -> str:
        """The table as Markdown, for the README."""
        lines = ["| section | what | result | details |", "| --- | --- | --- | --- |"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in self.rows()]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        """Everything, for the JSON file."""
        return {
            "machine": machine(),
            "load_average_before": self.load_before,
            "load_average_after": self.load_after,
            "steps_per_run": STEPS,
            "overhead": [r.as_dict() for r in self.overhead],
            "concurrency": [p.as_dict() for p in self.concurrency],
            "recovery": [d.as_dict() for d in self.recovery],
            "startup": [s.as_dict() for s in self.startup],
            "history_growth": [g.as_dict() for g in self.growth],
            "long_task": [t.as_dict() for t in self.long_tasks],
            "workers": [p.as_dict() for p in self.workers],
        }


def long_task_row(task: LongTask) -> tuple[str, str]:
    """A long task's headline (the limits it would meet, first first, and at which model call) and its details."""
    limits = sorted((call, name) for name, call in task.limit_calls().items() if call is not None)
    reached = [f"{LIMIT_NAMES[name]} at model call {call:,}" for call, name in limits]
    detail = f"{len(task.calls)} model calls in {len(task.runs())} run(s), "
    detail += (
        f"largest run {task.largest_run() / 2**20:.1f} MB, +{task.bytes_per_call() / 1024:.1f} KB at its last call"
    )
    if task.stopped:
        detail += f"; the server ended the run after model call {task.calls[-1].call} ({task.stopped.rstrip('.')})"
    if task.store_bytes:
        detail += f"; the claim-check store holds {task.store_bytes / 2**20:.0f} MB"
    return (reached[0] if reached else "no limit reached"), "; ".join([detail, *reached[1:]])


def machine() -> dict[str, object]:
    """What the benchmark ran on."""
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu": _cpu_model(),
        "memory_gib": _memory_gib(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "temporalio": temporalio.__version__,
    }


def load_average() -> tuple[float, float, float] | None:
    """The machine's 1, 5 and 15 minute load averages, where the OS reports them."""
    try:
        return tuple(round(x, 2) for x in os.getloadavg())  # type: ignore[return-value]
    except OSError:
        return None


def _memory_gib() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError):
        return None


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"
