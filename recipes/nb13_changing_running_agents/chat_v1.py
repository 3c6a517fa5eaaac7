"""Version 1 of notebook 13's travel chat: a conversation that outlives its code.

It is notebook 04's chat cut to what this lesson needs: one Workflow per chat,
one Update per turn, the conversation kept in the Workflow's own state.

* ``send`` is an Update: it runs the agent on the new message and returns the reply.
* ``code_version`` is a Query: which module's code answers it, "v1" or "v2".
  A Query runs on a Worker, so its answer says which Worker holds the chat.
* On a versioned Worker the chat is pinned (the deployment's default,
  ``versions.deployment_options``): it stays on the Worker deployment version
  that started it until it continues as new.
* After ``max_turns_per_run`` turns, or as soon as the server says a newer
  version is current (``is_target_worker_deployment_version_changed``), the
  run waits for running handlers and continues as new, carrying the
  conversation, with ``ContinueAsNewVersioningBehavior.AUTO_UPGRADE``: the next
  run starts on the current version. That is the one point where a pinned
  chat moves to new code.

The module has no side effects on import, so the sandbox can re-import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.openai_agents.workflow import activity_as_tool

from recipes.nb01_durable_agent.weather_agent import get_weather

with workflow.unsafe.imports_passed_through():
    from agents import Agent, Runner

CODE_VERSION = "v1"
INSTRUCTIONS = "You are a travel assistant. Use get_weather for any question about the weather."


@dataclass
class ChatInput:
    """How a chat starts, or carries on after continue-as-new."""

    history: list[dict[str, Any]] = field(default_factory=list)
    turns: int = 0
    max_turns_per_run: int = 10
    run_number: int = 1


@workflow.defn(name="TravelChat")
class TravelChat:
    """A long-lived chat that stays on its code version until it continues as new."""

    @workflow.init
    def __init__(self, chat: ChatInput) -> None:
        self._chat = chat
        self._history = list(chat.history)
        self._turns = chat.turns
        self._turns_this_run = 0
        self._ended = False

    @workflow.run
    async def run(self, chat: ChatInput) -> int:
        """Wait for turns; continue as new (onto the current version) when the run is full or new code is out."""
        await workflow.wait_condition(lambda: self._ended or self._time_to_move())
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._ended:
            return self._turns
        carried = ChatInput(self._history, self._turns, chat.max_turns_per_run, chat.run_number + 1)
        workflow.continue_as_new(
            carried, initial_versioning_behavior=workflow.ContinueAsNewVersioningBehavior.AUTO_UPGRADE
        )

    @workflow.update
    async def send(self, message: str) -> str:
        """One user turn: run the agent on the whole conversation and return its reply."""
        await self._before_turn(message)
        result = await Runner.run(self._agent(), [*self._history, {"role": "user", "content": message}])
        self._history = result.to_input_list()
        self._turns += 1
        self._turns_this_run += 1
        return str(result.final_output)

    @workflow.update
    async def end(self) -> int:
        """Close the chat and return how many turns it had."""
        self._ended = True
        return self._turns

    @workflow.query
    def code_version(self) -> str:
        """Which code runs this chat: the answering Worker's module."""
        return CODE_VERSION

    @workflow.query
    def turns(self) -> int:
        """How many turns the conversation has had, over all its runs."""
        return self._turns

    @workflow.query
    def user_messages(self) -> list[str]:
        """What the user has said in the conversation this run holds, earlier runs' turns included."""
        return [str(item["content"]) for item in self._history if item.get("role") == "user"]

    async def _before_turn(self, message: str) -> None:
        """A step before each turn; version 1 has none."""

    def _agent(self) -> Agent:
        """The agent of version 1: one tool, the weather."""
        weather = activity_as_tool(get_weather, start_to_close_timeout=timedelta(seconds=10))
        return Agent(name="Travel Assistant", instructions=INSTRUCTIONS, tools=[weather])

    def _time_to_move(self) -> bool:
        """Whether this run is full, or the server says a newer version of the deployment is current."""
        run_is_full = self._turns_this_run >= self._chat.max_turns_per_run
        return run_is_full or workflow.info().is_target_worker_deployment_version_changed()


WORKFLOWS = [TravelChat]
ACTIVITIES = [get_weather]
