"""Notebook 04's chat, made to last: it summarises its older turns and continues as new.

Every model call sends the whole conversation, and the Event History keeps
every model call's input, so the history of a long chat grows with the square
of its turns and one model input can pass the server's 2 MB payload limit.
``SummarisingChatWorkflow`` keeps both bounded:

* before a turn, when the conversation holds more than
  ``summarise_after_turns`` user turns, a summariser agent (one more model
  call) condenses all but the last ``keep_turns`` turns into one message;
* the run continues as new after ``max_turns_per_run`` turns (or when the
  server suggests it, or when its history passes ``history_budget_bytes``),
  carrying the already-summarised conversation, so no turn is lost.

Everything else (Updates, validators, reminders) is notebook 04's
``ChatAgentWorkflow``. The module has no side effects on import.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from temporalio import workflow

from recipes.nb04_long_running_agents.chat_agent import ChatAgentWorkflow, ChatInput, ChatSummary

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner

SUMMARY_PREFIX = "Summary of our conversation so far: "
SUMMARY_INSTRUCTIONS = (
    "Summarise this conversation for the assistant who will continue it: where the user is going, "
    "preferences and open questions, in at most 80 words."
)


@dataclass
class LongChatInput(ChatInput):
    """A chat input with the summarising settings."""

    summarise_after_turns: int = 6
    summary_chars: int = 800
    history_budget_bytes: int | None = None


def as_text(items: list[dict[str, Any]]) -> str:
    """A conversation's messages as plain lines for the summariser (tool calls and results included)."""
    lines = []
    for item in items:
        if "role" in item:
            content = item.get("content")
            parts = [content] if isinstance(content, str) else [str(p.get("text", "")) for p in content or []]
            text = " ".join(parts)
            lines.append(f"{item['role']}: {text}")
        elif item.get("type") == "function_call_output":
            lines.append(f"tool result: {item.get('output')}")
    return "\n".join(lines)


@workflow.defn
class SummarisingChatWorkflow(ChatAgentWorkflow):
    """A chat whose conversation and Event History both stay bounded, however long it runs."""

    @workflow.init
    def __init__(self, chat: LongChatInput) -> None:
        super().__init__(chat)

    @workflow.run
    async def run(self, chat: LongChatInput) -> ChatSummary:
        """Notebook 04's loop: wait for turns, continue as new when the run is full."""
        return await super().run(chat)

    async def _before_turn(self, message: str) -> None:
        """Summarise the older turns once the conversation holds too many."""
        chat: LongChatInput = self._chat  # type: ignore[assignment]
        user_turns = [i for i, item in enumerate(self._history) if item.get("role") == "user"]
        if len(user_turns) <= chat.summarise_after_turns:
            return
        keep_from = user_turns[-chat.keep_turns] if chat.keep_turns else len(self._history)
        older, recent = self._history[:keep_from], self._history[keep_from:]
        summariser = Agent(name="Summariser", instructions=SUMMARY_INSTRUCTIONS)
        result = await Runner.run(summariser, as_text(older))
        summary = str(result.final_output)[: chat.summary_chars]  # a bound, whatever the model writes
        self._history = [{"role": "assistant", "content": SUMMARY_PREFIX + summary}, *recent]

    def _should_continue_as_new(self) -> bool:
        budget = self._chat.history_budget_bytes  # type: ignore[attr-defined]
        too_big = budget is not None and workflow.info().get_current_history_size() > budget
        return too_big or super()._should_continue_as_new()

    def _carry_over(self) -> LongChatInput:
        """Notebook 04's carry-over, but with the whole (already summarised) conversation."""
        base = super()._carry_over()
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        return dataclasses.replace(self._chat, **{**fields, "history": list(self._history)})  # type: ignore[type-var]


WORKFLOWS = [ChatAgentWorkflow, SummarisingChatWorkflow]
