"""The benchmark's pictures: overhead, throughput (concurrency, Worker processes), history (turns, model calls)."""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from bench.overhead import PLAIN
from bench.report import Results
from shared import figure_png


def overhead_axes(results: Results, ax: Axes) -> None:
    """Median overhead per step for each setup, with its 95th percentile as a whisker."""
    rows = [r for r in results.overhead if r.name != PLAIN]
    names = [r.name for r in rows][::-1]
    medians = [r.per_step_ms for r in rows][::-1]
    p95 = [max(r.per_step_p95_ms - r.per_step_ms, 0) for r in rows][::-1]
    ax.barh(names, medians, xerr=[[0] * len(p95), p95], color="tab:blue", capsize=3)
    ax.set_xlabel("ms per step over plain Runner.run\n(bar: median, whisker: p95)")
    ax.set_title("What each setup adds to one agent step")


def concurrency_axes(results: Results, ax: Axes) -> None:
    """Steps per second against the number of agents running at once, one line per setup."""
    for setup in dict.fromkeys(p.setup for p in results.concurrency):
        points = [p for p in results.concurrency if p.setup == setup]
        ax.plot([p.agents for p in points], [p.steps_per_s for p in points], marker="o", label=setup)
    ax.set_xscale("log")
    ax.set_xlabel("agents at once")
    ax.set_ylabel("steps per second")
    ax.set_title("Throughput against concurrency")
    ax.legend(fontsize="small")


def growth_axes(results: Results, ax: Axes) -> None:
    """The current run's Event History size after each turn of a chat, with and without continue-as-new."""
    for chat in results.growth:
        ax.plot([t.turn for t in chat.turns], [t.history_bytes / 1024 for t in chat.turns], label=chat.name)
    ax.set_xlabel("chat turn")
    ax.set_ylabel("Event History of the current run (KB)")
    ax.set_title("History size against turns")
    ax.legend(fontsize="small")


def long_task_axes(results: Results, ax: Axes) -> None:
    """The current run's Event History at each model call of one long agent run, three ways, with the 50 MB line."""
    for task in results.long_tasks:
        ax.plot([c.call for c in task.calls], [c.history_bytes / 2**20 for c in task.calls], label=task.name)
    ax.axhline(50, color="tab:red", linestyle="--", linewidth=1, label="50 MB: Temporal ends the run")
    ax.set_xlabel("model call")
    ax.set_ylabel("Event History of the current run (MB)")
    ax.set_title("A long task: history size against model calls")
    ax.legend(fontsize="small")


def workers_axes(results: Results, ax: Axes) -> None:
    """Steps per second against the number of Worker processes on one Task Queue."""
    points = results.workers
    ax.plot([p.processes for p in points], [p.steps_per_s for p in points], marker="o")
    ax.set_xticks([p.processes for p in points])
    ax.set_ylim(bottom=0)
    ax.set_xlabel("Worker processes on one Task Queue (this machine)")
    ax.set_ylabel("steps per second")
    ax.set_title("Throughput against Worker processes")


@dataclass
class BenchPicture:
    """The benchmark's figure: a PNG in Jupyter, one line of what it shows elsewhere."""

    figure: Figure
    panels: list[str]

    def _repr_png_(self) -> bytes:
        return figure_png(self.figure)

    def __repr__(self) -> str:
        return f"<Benchmark figure: {', '.join(self.panels)}>"


def picture(results: Results) -> BenchPicture:
    """Draw every panel the results have data for, side by side."""
    panels = [
        (name, draw)
        for name, draw, data in (
            ("overhead per setup", overhead_axes, results.overhead),
            ("throughput against concurrency", concurrency_axes, results.concurrency),
            ("throughput against Worker processes", workers_axes, results.workers),
            ("history size against turns", growth_axes, results.growth),
            ("history size against model calls", long_task_axes, results.long_tasks),
        )
        if data
    ]
    figure = Figure(figsize=(8 * len(panels), 4.5))
    for i, (_, draw) in enumerate(panels, start=1):
        draw(results, figure.add_subplot(1, len(panels), i))
    figure.tight_layout()
    return BenchPicture(figure, [name for name, _ in panels])
