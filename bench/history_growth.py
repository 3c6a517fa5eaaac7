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
from temporalio.client import Client

from recipes.nb04_long_running_agents.chat_agent import ChatAgentWorkflow, ChatInput
from shared import MODEL_ACTIVITIES

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
    """The run's Event History so far: the serialized size of its events, which is what Temporal's limit counts."""
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
        """What the last turn of the first run added to the history, in bytes."""
        first = self.first_run()
        if len(first) < 2:
            return float(first[-1].history_bytes) if first else 0.0
        return float(first[-1].history_bytes - first[-2].history_bytes)

    def first_run(self) -> list[Turn]:
        """The turns the chat's first run handled: the history a chat without continue-as-new would keep."""
        return [t for t in self.turns if t.run == 1]

    def continued_at(self) -> int | None:
        """The first turn handled by a second run, if the chat continued as new."""
        return next((t.turn for t in self.turns if t.run > 1), None)

    def limit_turns(self) -> dict[str, int | None]:
        """For each limit, the first turn that reaches it (``None``: never, the history starts over).

        The curves are fitted to the first run only. Notebook 04's chat also
        continues as new when the server suggests it, so even "without
        continue-as-new" a long benchmark chat starts over at about 4 MB.
        """
        if self.max_turns_per_run is not None:
            return dict.fromkeys(LIMITS)
        first = self.first_run()
        turns = np.array([x.turn for x in first], dtype=float)
        payload = np.polyfit(turns, [x.largest_payload for x in first], 1)  # one input: the whole conversation
        size = np.polyfit(turns, [x.history_bytes for x in first], 2)  # every input so far: quadratic
        events = np.polyfit(turns, [x.history_events for x in first], 1)  # the same events every turn
        suggested = [_first_turn(size, SUGGESTED["history_bytes"]), _first_turn(events, SUGGESTED["history_events"])]
        return {
            "payload": _first_turn(payload, LIMITS["payload"]),
            "history_bytes": _first_turn(size, LIMITS["history_bytes"]),
            "history_events": _first_turn(events, LIMITS["history_events"]),
            "updates": LIMITS["updates"],
            "suggested": min((t for t in suggested if t is not None), default=None),
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
            "continued_as_new_at_turn": self.continued_at(),
        }


def _first_turn(coefficients: np.ndarray, limit: float) -> int | None:
    """The first whole turn at which the fitted polynomial reaches ``limit`` (``None``: it never does)."""
    roots = np.roots(np.append(coefficients[:-1], coefficients[-1] - limit))
    real = [r.real for r in roots if abs(r.imag) < 1e-9 and r.real > 0]
    return math.ceil(min(real)) if real else None


async def measure_growth(
    client: Client, task_queue: str, *, turns: int = 40, max_turns_per_run: int | None = None
) -> Growth:
    """Chat for ``turns`` turns (each asks for the weather somewhere), then read each run's history turn by turn."""
    if max_turns_per_run is None:
        name = "no turn limit"  # notebook 04's chat still continues as new when the server suggests it
    else:
        name = f"continue-as-new every {max_turns_per_run} turns"
    chat = ChatInput(max_turns_per_run=max_turns_per_run or turns + 1, keep_turns=5)
    first = await client.start_workflow(
        ChatAgentWorkflow.run, chat, id=f"bench-chat-{uuid.uuid4().hex}", task_queue=task_queue
    )
    latest = client.get_workflow_handle_for(ChatAgentWorkflow.run, first.id)  # follows continue-as-new
    for turn in range(1, turns + 1):
        await latest.execute_update(ChatAgentWorkflow.send, f"What's the weather in {CITIES[turn % len(CITIES)]}?")
    await latest.execute_update(ChatAgentWorkflow.end)
    return Growth(name, max_turns_per_run, await _turns_of_chain(client, first.id, first.first_execution_run_id))


async def _turns_of_chain(client: Client, workflow_id: str, run_id: str | None) -> list[Turn]:
    """Walk every run of the chat, first to last, and note each run's size at the end of each ``send`` turn.

    Reading the finished histories, not the live Workflow, ties every figure to
    the run that handled the turn, even at the moment the chat continues as new.
    """
    turns: list[Turn] = []
    run = 0
    while run_id:
        run += 1
        size = count = largest = 0
        sends: set[str] = set()
        next_run_id = None
        async for event in client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history_events():
            size += event.ByteSize()
            count += 1
            kind = event.event_type
            if kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
                attributes = event.activity_task_scheduled_event_attributes
                if attributes.activity_type.name in MODEL_ACTIVITIES:
                    largest = max(largest, attributes.input.ByteSize())
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
                request = event.workflow_execution_update_accepted_event_attributes.accepted_request
                if request.input.name == "send":
                    sends.add(request.meta.update_id)
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
                if event.workflow_execution_update_completed_event_attributes.meta.update_id in sends:
                    turns.append(Turn(len(turns) + 1, run, size, count, largest))
            elif kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
                next_run_id = event.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
        run_id = next_run_id
    return turns
