"""The setups the benchmark compares: the cookbook's defaults, the defaults before this benchmark, and one knob each.

A setup is everything that decides what one agent step costs: which server
settings, whether model calls are Activities or Local Activities, and the
Worker's options. Every row of the overhead table is one setup, measured side
by side with the others in the same run.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from temporalio.worker import PollerBehaviorAutoscaling
from temporalio.worker.workflow_sandbox import SandboxedWorkflowRunner, SandboxRestrictions

from shared import DYNAMIC_CONFIG

TEMPORAL_DEFAULT_SERVER = {
    key: value for key, value in DYNAMIC_CONFIG.items() if key != "history.transferProcessorMaxPollRPS"
}
"""The dev server as ``shared`` started it before this benchmark: Temporal's default transfer-queue rate."""


@dataclass(frozen=True)
class Setup:
    """One way to run the benchmark agent, and what it trades."""

    name: str
    """The row's label."""
    change: str
    """What differs from the cookbook's defaults."""
    trade: str
    """What you give up for it (or what it buys), in a phrase."""
    server_config: Mapping[str, str] | None = None
    """The dev server's dynamic config; ``None`` is the cookbook's (``shared.DYNAMIC_CONFIG``)."""
    local_model_calls: bool = False
    """Run each model call as a Local Activity instead of an Activity."""
    local_tool: bool = False
    """Run the tool as a Local Activity instead of an Activity."""
    eager_start: bool = False
    """Ask the server to hand the first Workflow Task straight back to this process's Worker."""
    worker_options: Mapping[str, Any] = field(default_factory=dict)
    """Extra ``Worker`` keyword arguments."""

    @property
    def key(self) -> str:
        """A short identifier, for Task Queues and JSON keys."""
        return "-".join(self.name.lower().replace(",", " ").replace("(", " ").replace(")", " ").split())


BEFORE = Setup(
    "before (Temporal's default shard rate)",
    "dev server reads new tasks at Temporal's default rate, 20 reads/s per history shard",
    "the cookbook's setup before this benchmark: every step queues up to 50 ms on the dev server",
    server_config=TEMPORAL_DEFAULT_SERVER,
)
DEFAULTS = Setup(
    "cookbook defaults",
    "shared.setup() + shared.start_worker(), as every notebook uses them",
    "each model call and tool call is an Activity with its own rows in the Event History",
)
LOCAL_MODEL_CALLS = Setup(
    "model calls as Local Activities",
    "ModelActivityParameters(use_local_activity=True)",
    "fewer server round trips; a model call shows as a marker, its retries are not separate events, "
    "and a crash mid-call repeats the whole Workflow Task",
    local_model_calls=True,
)
ALL_LOCAL = Setup(
    "model and tool calls as Local Activities",
    "use_local_activity=True, and the tool calls workflow.execute_local_activity",
    "the whole run can fit in one Workflow Task: fastest, but a crash repeats every step since the last "
    "completed Workflow Task, and no step shows as an Activity in the Event History",
    local_model_calls=True,
    local_tool=True,
)
EAGER_START = Setup(
    "eager Workflow start",
    "client.start_workflow(..., request_eager_start=True)",
    "the first Workflow Task skips matching; only when the client and the Worker share a process",
    eager_start=True,
)
NO_EAGER = Setup(
    "eager Activities off",
    "Worker(disable_eager_activity_execution=True)",
    "eager execution (on by default) hands an Activity to the Worker that scheduled it; off, it goes through matching",
    worker_options={"disable_eager_activity_execution": True},
)
MORE_POLLERS = Setup(
    "autoscaling pollers",
    "PollerBehaviorAutoscaling() for Workflow and Activity Task polls",
    "the Worker adds pollers when tasks wait; helps under load, nothing for one agent",
    worker_options={
        "workflow_task_poller_behavior": PollerBehaviorAutoscaling(),
        "activity_task_poller_behavior": PollerBehaviorAutoscaling(),
    },
)
NO_STICKY_CACHE = Setup(
    "no sticky cache",
    "Worker(max_cached_workflows=0)",
    "saves Worker memory; every Workflow Task replays the whole history so far",
    worker_options={"max_cached_workflows": 0},
)

PASSTHROUGH = Setup(
    "sandbox passthrough of recipes",
    "SandboxRestrictions.default.with_passthrough_modules('recipes')",
    "the sandbox no longer re-imports your Workflow's modules for each run, so it cannot catch state they share",
    worker_options={
        "workflow_runner": SandboxedWorkflowRunner(
            restrictions=SandboxRestrictions.default.with_passthrough_modules("recipes")
        )
    },
)

OVERHEAD_SETUPS = [
    BEFORE, DEFAULTS, LOCAL_MODEL_CALLS, ALL_LOCAL, EAGER_START, NO_EAGER, MORE_POLLERS, NO_STICKY_CACHE, PASSTHROUGH,
]  # fmt: skip
"""The rows of the overhead table, in the order they print."""

CONCURRENCY_SETUPS = [BEFORE, DEFAULTS, MORE_POLLERS, ALL_LOCAL]
"""The setups run with many agents at once."""
