"""Measure how a chat's Event History grows, turn by turn, and draw it (client-side code for notebook 12's plot).

``measure_growth`` has a scripted conversation with a chat Workflow: each
turn the user pastes a few kilobytes of trip notes, as people do. After each
turn it asks the server for the size of the current run's history
(``describe()``), which is what Temporal's limits apply to (it warns at 10 MB
and terminates a run at 50 MB, and refuses any one payload over 2 MB).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from matplotlib.figure import Figure
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy

from recipes.nb04_long_running_agents.chat_agent import ChatAgentWorkflow
from shared import MODEL_ACTIVITIES, figure_png, payloads_in

FILLER = (
    "Day {day}: morning train to the coast, a long lunch by the harbour, a walk along the cliffs, "
    "and dinner somewhere with a view. Budget about 150 EUR. Remember the museum closes early. "
)


def trip_notes(turn: int, size: int) -> str:
    """The user's message for one turn: a question and about ``size`` characters of pasted notes."""
    head = f"Turn {turn}: here are my notes so far, what should I change? "
    notes = "".join(FILLER.format(day=day) for day in range(1, size // len(FILLER) + 2))
    return head + notes[: max(size - len(head), 0)]


@dataclass
class Growth:
    """History bytes of the chat's current run after each turn."""

    label: str
    sizes: list[int]
    handle: WorkflowHandle = field(repr=False)


async def measure_growth(
    client: Client,
    label: str,
    workflow_run: Any,
    chat_input: Any,
    *,
    task_queue: str,
    workflow_id: str,
    turns: int,
    message_size: int,
) -> Growth:
    """Have a ``turns``-turn chat and record the current run's history size after each turn."""
    handle = await client.start_workflow(
        workflow_run, chat_input, id=workflow_id, task_queue=task_queue,
        id_conflict_policy=WorkflowIDConflictPolicy.TERMINATE_EXISTING,
    )  # fmt: skip
    sizes = []
    for turn in range(1, turns + 1):
        await handle.execute_update(ChatAgentWorkflow.send, trip_notes(turn, message_size))
        description = await handle.describe()
        sizes.append(description.raw_description.workflow_execution_info.history_size_bytes)
    return Growth(label, sizes, handle)


async def model_input_share(handle: WorkflowHandle) -> float:
    """The fraction of the run's payload bytes that are model-call inputs (the whole conversation, each time)."""
    model_inputs = total = 0
    async for event in handle.fetch_history_events():
        size = sum(p.ByteSize() for p in payloads_in(event))
        total += size
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            if event.activity_task_scheduled_event_attributes.activity_type.name in MODEL_ACTIVITIES:
                model_inputs += size
    return model_inputs / total if total else 0.0


@dataclass
class GrowthPlot:
    """History size per turn for several chats (or per model call): a PNG in Jupyter, a one-line summary elsewhere."""

    curves: list[Growth]
    step: str = "turn"
    """What one point is: a chat's turn, or (notebook 11) an agent's model call."""

    def figure(self) -> Figure:
        """The curves on one chart, in kilobytes."""
        fig = Figure(figsize=(8, 4))
        ax = fig.subplots()
        for curve in self.curves:
            steps = range(1, len(curve.sizes) + 1)
            ax.plot(steps, [s / 1024 for s in curve.sizes], marker="o", markersize=3, label=curve.label)
        ax.set_xlabel(self.step)
        ax.set_ylabel("history of the current run (KB)")
        ax.set_title(f"Event History size per {self.step}")
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        return fig

    def _repr_png_(self) -> bytes:
        return figure_png(self.figure())

    def __repr__(self) -> str:
        steps = max(len(c.sizes) for c in self.curves)
        return f"<GrowthPlot: {steps} {self.step}s of {', '.join(c.label for c in self.curves)}>"
