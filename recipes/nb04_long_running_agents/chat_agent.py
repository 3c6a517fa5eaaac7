"""A conversation that lives for days: one Workflow per chat, one Update per user turn.

Notebook 04 shows this file; notebook 05 tests it. The Workflow keeps the
conversation in its own state (the Agents SDK's ``result.to_input_list()``),
so nothing about the chat lives in the notebook kernel:

* ``send`` is an Update: it runs the agent on the new message and returns the
  reply. Its validator refuses an empty message and any turn after the end.
* "Remind me in 3 days ..." makes the agent call ``set_reminder``, a tool that
  runs inside the Workflow and starts a Durable Timer (``workflow.sleep``) in a
  background coroutine. When it fires, the reminder joins the transcript.
* After ``max_turns_per_run`` turns, or when the server suggests it, the
  Workflow waits for running handlers to finish and continues as new, carrying
  the last ``keep_turns`` turns and the pending reminders.
* ``end`` is an Update that closes the chat and returns a summary.

``DailyDigestWorkflow`` is a one-shot agent run for a Temporal Schedule.
The module has no side effects on import, so the sandbox can re-import it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.openai_agents.workflow import activity_as_tool

from recipes.nb01_durable_agent.weather_agent import get_weather

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner, function_tool

TASK_QUEUE = "chat-agent"

INSTRUCTIONS = (
    "You are a friendly travel assistant in a conversation that may last for days. "
    "Use the weather tool for questions about the weather, and the reminder tool "
    "when the user asks you to remind them of something later."
)


@dataclass
class ChatLine:
    """One line of the transcript: who said it (user, agent or reminder) and what."""

    role: str
    text: str


@dataclass
class Reminder:
    """A reminder the agent promised, due at a time on the Workflow's clock."""

    topic: str
    due: datetime


@dataclass
class ChatInput:
    """How a chat starts, or how it carries on after continue-as-new."""

    max_turns_per_run: int = 20
    keep_turns: int = 5
    history: list[dict[str, Any]] = field(default_factory=list)
    transcript: list[ChatLine] = field(default_factory=list)
    reminders: list[Reminder] = field(default_factory=list)
    turns: int = 0
    run_number: int = 1
    reminders_delivered: int = 0


@dataclass
class ChatStatus:
    """What the ``status`` Query answers."""

    turns: int
    run_number: int
    turns_this_run: int
    pending_reminders: list[str]
    ended: bool


@dataclass
class ChatSummary:
    """What the chat returns when it ends."""

    turns: int
    runs: int
    reminders_delivered: int


def trim_history(history: list[dict[str, Any]], keep_turns: int) -> list[dict[str, Any]]:
    """Keep the items from the ``keep_turns``-th last user message on, so tool calls keep their results."""
    user_turns = [i for i, item in enumerate(history) if item.get("role") == "user"]
    if len(user_turns) <= keep_turns:
        return list(history)
    return list(history[user_turns[-keep_turns] :])


@workflow.defn
class ChatAgentWorkflow:
    """A whole conversation with an agent, durable across days, crashes and kernel restarts."""

    @workflow.init
    def __init__(self, chat: ChatInput) -> None:
        self._chat = chat
        self._history = list(chat.history)
        self._transcript = list(chat.transcript)
        self._reminders = list(chat.reminders)
        self._turns = chat.turns
        self._turns_this_run = 0
        self._delivered = chat.reminders_delivered
        self._ended = False
        self._lock = asyncio.Lock()  # one turn at a time, in the order the Updates arrived

    @workflow.run
    async def run(self, chat: ChatInput) -> ChatSummary:
        """Wait for turns until the chat ends, continuing as new when the history grows long."""
        for reminder in self._reminders:
            self._start_timer(reminder)
        await workflow.wait_condition(lambda: self._ended or self._should_continue_as_new())
        # Never continue as new (or finish) in the middle of a turn: let running handlers finish.
        await workflow.wait_condition(workflow.all_handlers_finished)
        if not self._ended:
            workflow.continue_as_new(self._carry_over())
        return self._summary()

    @workflow.update
    async def send(self, message: str) -> str:
        """One user turn: run the agent on the whole conversation and return its reply."""
        async with self._lock:
            await self._before_turn(message)
            agent = Agent(name="Travel Assistant", instructions=INSTRUCTIONS, tools=self._tools())
            result = await Runner.run(agent, [*self._history, {"role": "user", "content": message}])
            self._history = result.to_input_list()
            reply = str(result.final_output)
            self._transcript += [ChatLine("user", message), ChatLine("agent", reply)]
            self._turns += 1
            self._turns_this_run += 1
            return reply

    @send.validator
    def validate_send(self, message: str) -> None:
        """Refuse a turn before it is written to the Event History."""
        if self._ended:
            raise ValueError("This chat has ended; start a new chat to keep talking.")
        if not message.strip():
            raise ValueError("The message is empty; type something to send.")

    @workflow.update
    async def end(self) -> ChatSummary:
        """Close the chat after any running turn, and return what happened in it."""
        async with self._lock:
            self._ended = True
            return self._summary()

    @end.validator
    def validate_end(self) -> None:
        """Refuse to end a chat twice."""
        if self._ended:
            raise ValueError("This chat has already ended.")

    @workflow.query
    def transcript(self) -> list[ChatLine]:
        """Everything said so far in this run (earlier runs' lines are trimmed like the history)."""
        return self._transcript

    @workflow.query
    def status(self) -> ChatStatus:
        """Turns so far, which run of the chain this is, and the reminders still waiting."""
        return ChatStatus(
            turns=self._turns,
            run_number=self._chat.run_number,
            turns_this_run=self._turns_this_run,
            pending_reminders=[r.topic for r in self._reminders],
            ended=self._ended,
        )

    async def _before_turn(self, message: str) -> None:
        """A hook for variants of this Workflow (notebook 05); this version does nothing."""

    def _tools(self) -> list[Any]:
        """The agent's tools: weather runs as an Activity, the reminder runs inside the Workflow."""

        @function_tool
        async def set_reminder(topic: str, days: float) -> str:
            """Remind the user about a topic after a number of days (fractions allowed).

            Args:
                topic: What to remind the user about.
                days: How many days from now.
            """
            reminder = Reminder(topic, workflow.now() + timedelta(days=days))
            self._reminders.append(reminder)
            self._start_timer(reminder)
            return f"Reminder set: {topic}, in {days:g} days."

        return [activity_as_tool(get_weather, start_to_close_timeout=timedelta(seconds=10)), set_reminder]

    def _start_timer(self, reminder: Reminder) -> None:
        """Start the Durable Timer for a reminder in the background of the Workflow."""
        asyncio.create_task(self._deliver(reminder))  # the Workflow's event loop owns the task

    async def _deliver(self, reminder: Reminder) -> None:
        """Sleep on a Durable Timer, then add the reminder to the transcript and the history."""
        await workflow.sleep(max(reminder.due - workflow.now(), timedelta(0)), summary=f"reminder: {reminder.topic}")
        async with self._lock:
            text = f"Reminder: {reminder.topic}"
            self._transcript.append(ChatLine("reminder", text))
            self._history.append({"role": "assistant", "content": text})
            self._reminders.remove(reminder)
            self._delivered += 1

    def _should_continue_as_new(self) -> bool:
        return self._turns_this_run >= self._chat.max_turns_per_run or workflow.info().is_continue_as_new_suggested()

    def _carry_over(self) -> ChatInput:
        """The next run's input: the trimmed history and transcript, and the reminders still due."""
        keep = self._chat.keep_turns
        return ChatInput(
            max_turns_per_run=self._chat.max_turns_per_run,
            keep_turns=keep,
            history=trim_history(self._history, keep),
            transcript=self._transcript[-2 * keep :],
            reminders=self._reminders,
            turns=self._turns,
            run_number=self._chat.run_number + 1,
            reminders_delivered=self._delivered,
        )

    def _summary(self) -> ChatSummary:
        return ChatSummary(turns=self._turns, runs=self._chat.run_number, reminders_delivered=self._delivered)


@workflow.defn
class DailyDigestWorkflow:
    """A one-shot agent run that a Temporal Schedule starts every morning.

    It is notebook 01's weather agent with a digest writer's instructions. It
    is a Workflow type of its own, not ``WeatherAgentWorkflow`` reused, so that
    the Schedule's runs carry their purpose in their name: in the Web UI's list,
    and in a query such as ``WorkflowType = 'DailyDigestWorkflow'``.
    """

    @workflow.run
    async def run(self, request: str) -> str:
        """Answer the digest request, calling the weather tool as the model asks."""
        agent = Agent(
            name="Digest Writer",
            instructions="Write a short morning digest. Use the weather tool for each city named.",
            tools=[activity_as_tool(get_weather, start_to_close_timeout=timedelta(seconds=10))],
        )
        result = await Runner.run(agent, request)
        return str(result.final_output)


WORKFLOWS = [ChatAgentWorkflow, DailyDigestWorkflow]
ACTIVITIES = [get_weather]
