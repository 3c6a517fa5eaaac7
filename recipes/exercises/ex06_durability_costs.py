"""Notebook 06's exercises: edit the TODOs, then run ``make exercises NB=06``.

Solutions: ``recipes/solutions/ex06_durability_costs.py``.
"""

from __future__ import annotations

from temporalio.client import WorkflowHandle

from bench import Setup
from bench.setups import DEFAULTS


def high_volume_setup() -> Setup:
    """Exercise 1: model calls as Local Activities, the tool still an Activity, and autoscaling pollers.

    Build a ``Setup`` (see ``bench/setups.py`` for examples) and measure it
    against ``DEFAULTS`` with ``bench.measure_overhead``.
    """
    # TODO: return Setup(name, change, trade, local_model_calls=..., worker_options={...})
    return DEFAULTS


async def activity_waits(handle: WorkflowHandle) -> list[float]:
    """Exercise 2: for each Activity of a finished run, the milliseconds between scheduled and started.

    Hint: ``ACTIVITY_TASK_STARTED`` events name their ``scheduled_event_id``,
    as ``bench.workflow_task_waits`` does for Workflow Tasks.
    """
    # TODO: read handle.fetch_history() and pair each started event with its scheduled event
    return []


async def markers_per_workflow_task(handle: WorkflowHandle) -> list[int]:
    """Exercise 3: for each completed Workflow Task of a finished run, how many markers it wrote.

    Hint: a Workflow Task's markers are the ``MARKER_RECORDED`` events that
    follow its ``WORKFLOW_TASK_COMPLETED`` event in ``handle.fetch_history()``.
    """
    # TODO: start a count at each completed Workflow Task, and add one for each marker after it
    return []
