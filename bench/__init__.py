"""The benchmark behind ``make bench`` and notebook 06: what durability costs an agent, and how to make it cheap.

Notebook 06 runs small versions of the same measurements; ``python -m bench``
runs them all and writes ``bench/results/latest.json`` and ``latest.png``.
"""

from bench.concurrency import ConcurrencyPoint, measure_concurrency
from bench.harness import OFFLINE, Harness, HistoryShape, workflow_task_waits
from bench.history_growth import Growth, measure_growth
from bench.overhead import OverheadRow, measure_overhead
from bench.plot import picture
from bench.recovery import Recovery, measure_recovery
from bench.report import Results
from bench.setups import Setup

__all__ = [
    "OFFLINE",
    "ConcurrencyPoint",
    "Growth",
    "Harness",
    "HistoryShape",
    "OverheadRow",
    "Recovery",
    "Results",
    "Setup",
    "measure_concurrency",
    "measure_growth",
    "measure_overhead",
    "measure_recovery",
    "picture",
    "workflow_task_waits",
]
