"""How a chat's Event History grows turn by turn, and the turn at which it would hit Temporal's limits.

Every model call records its whole input, and a chat's input is the whole
conversation so far, so the history grows quadratically with the turns. The
benchmark talks to notebook 04's chat Workflow (one Update per turn), reads the
history's size after every turn, fits the curve, and finds the first turn at
which one of Temporal's limits would be reached. With continue-as-new the
history starts over every few turns and carries only the last turns, so no
limit is ever reached.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass, field

import numpy as np
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle

from recipes.chat_agent import ChatAgentWorkflow, ChatInput

LIMITS = {
    "payload": 2 * 1024 * 1024,
    "history_bytes": 50 * 1024 * 1024,
    "history_events": 51_200,
    "updates": 2_000,
}
"""Temporal's default hard limits: one payload (``limit.blobSize.error``), one run's history size and event count
(``limit.historySize.error``, ``limit.historyCount.error``), and Updates per run (``history.maxTotalUpdates``)."""

SUGGESTED = {"history_bytes": 4 * 1024 * 1024, "history_events": 4 * 1024}
"""Where the server starts suggesting continue-as-new (``workflow.info().is_continue_as_new_suggested()``)."""

CITIES = ["Lima", "Paris", "Tokyo", "Lisbon", "Oslo", "Cairo", "Quito", "Seoul"]


@dataclass
class Turn:
    """The chat's current run after one turn."""

    turn: int
    run: int
    history_bytes: int
    history_events: int
    largest_payload: int
    """The largest model-call input in this run so far, in bytes."""


@dataclass
class Growth:
    """One chat, turn by turn, and where its curve meets Temporal's limits."""

    name: str
    max_turns_per_run: int | None
    turns: list[Turn] = field(default_factory=list)

    def bytes_per_turn(self) -> float:
        """The history's growth in the last measured turn, in bytes."""
        if len(self.turns) < 2:
            return float(self.turns[-1].history_bytes) if self.turns else 0.0
        last, before = self.turns[-1], self.turns[-2]
        return float(last.history_bytes - before.history_bytes) if last.run == before.run else math.nan

    def limit_turns(self) -> dict[str, int | None]:
        """For each limit, the first turn that reaches it (``None``: never, the history starts over)."""
        if self.max_turns_per_run is not None:
            return dict.fromkeys(LIMITS)
        turns = np.array([x.turn for x in self.turns], dtype=float)
        payload = np.polyfit(turns, [x.largest_payload for x in self.turns], 1)  # one input: the whole conversation
        size = np.polyfit(turns, [x.history_bytes for x in self.turns], 2)  # every input so far: quadratic
        events = np.polyfit(turns, [x.history_events for x in self.turns], 1)  # the same events every turn
        return {
            "payload": _first_turn(payload, LIMITS["payload"]),
            "history_bytes": _first_turn(size, LIMITS["history_bytes"]),
            "history_events": _first_turn(events, LIMITS["history_events"]),
            "updates": LIMITS["updates"],
            "suggested": min(
                _first_turn(size, SUGGESTED["history_bytes"]), _first_turn(events, SUGGESTED["history_events"])
            ),
        }

    def first_limit(self) -> tuple[str, int] | None:
        """The limit the chat reaches first, and at which turn (``None`` with continue-as-new)."""
        hard = {k: v for k, v in self.limit_turns().items() if k in LIMITS and v is not None}
        if not hard:
            return None
        name = min(hard, key=lambda k: hard[k])
        return name, hard[name]

    def as_dict(self) -> dict[str, object]:
        """The chat for the JSON file."""
        return {
            "name": self.name,
            "max_turns_per_run": self.max_turns_per_run,
            "turns": [t.__dict__ for t in self.turns],
            "limit_turns": self.limit_turns(),
        }


def _first_turn(coefficients: np.ndarray, limit: float) -> int:
    """The first whole turn at which the fitted polynomial reaches ``limit``."""
    roots = np.roots(np.append(coefficients[:-1], coefficients[-1] - limit))
    real = [r.real for r in roots if abs(r.imag) < 1e-9 and r.real > 0]
    return math.ceil(min(real)) if real else LIMITS["updates"] * 1000


async def measure_growth(
    client: Client, task_queue: str, *, turns: int = 40, max_turns_per_run: int | None = None
) -> Growth:
    """Chat for ``turns`` turns (each asks for the weather somewhere) and record the history after each."""
    if max_turns_per_run is None:
        name = "without continue-as-new"
    else:
        name = f"continue-as-new every {max_turns_per_run} turns"
    chat = ChatInput(max_turns_per_run=max_turns_per_run or turns + 1, keep_turns=5)
    workflow_id = f"bench-chat-{uuid.uuid4().hex}"
    await client.start_workflow(ChatAgentWorkflow.run, chat, id=workflow_id, task_queue=task_queue)
    handle = client.get_workflow_handle_for(ChatAgentWorkflow.run, workflow_id)
    growth = Growth(name, max_turns_per_run)
    for turn in range(1, turns + 1):
        await handle.execute_update(ChatAgentWorkflow.send, f"What's the weather in {CITIES[turn % len(CITIES)]}?")
        growth.turns.append(await _measure(client, handle, turn))
    await handle.execute_update(ChatAgentWorkflow.end)
    return growth


async def _measure(client: Client, handle: WorkflowHandle, turn: int) -> Turn:
    """Read the current run's size from the server and its largest model-call input from its history."""
    description = await handle.describe()
    info = description.raw_description.workflow_execution_info
    run = client.get_workflow_handle(handle.id, run_id=description.run_id)
    largest = 0
    async for event in run.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attributes = event.activity_task_scheduled_event_attributes
            if attributes.activity_type.name.startswith("invoke_model_activity"):
                largest = max(largest, attributes.input.ByteSize())
    status = await handle.query(ChatAgentWorkflow.status)
    return Turn(turn, status.run_number, info.history_size_bytes, info.history_length, largest)
