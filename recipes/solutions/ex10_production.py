"""Solutions to notebook 10's exercises: rotate the key, move the claim check's threshold, add a span attribute."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.api.common.v1 import Payload
from temporalio.converter import ExternalStorage, PayloadCodec
from temporalio.openai_agents.workflow import activity_as_tool

from recipes.nb01_durable_agent.weather_agent import get_weather

with workflow.unsafe.imports_passed_through():  # the sandbox reuses these modules instead of importing them again
    import opentelemetry.trace
    from agents import Agent, Runner

    from shared import CookbookError, EncryptionCodec, claim_check

MESSAGE_SIZE = 3000
"""The size of the user's messages in the exercise's check (``chat_growth.trip_notes``)."""


class RotatingCodec(PayloadCodec):
    """Exercise 1: encrypt with the current key; decrypt with whichever key a payload names."""

    def __init__(self, current: bytes, previous: Sequence[bytes] = ()) -> None:
        self._current = EncryptionCodec(current)
        self._by_id = {codec.key_id: codec for codec in [self._current, *map(EncryptionCodec, previous)]}

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """New payloads always use the current key."""
        return await self._current.encode(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        """Each payload with the key that encrypted it, so histories from before the rotation still read."""
        decoded = []
        for payload in payloads:
            if payload.metadata.get("encoding") != EncryptionCodec.ENCODING:
                decoded.append(payload)
                continue
            used = payload.metadata.get(EncryptionCodec.KEY_ID, b"").decode()
            codec = self._by_id.get(used)
            if codec is None:
                raise CookbookError(f"No key with id {used}: keep every key that encrypted a history you still read.")
            decoded += await codec.decode([payload])
        return decoded


def chat_claim_check(directory: str | os.PathLike[str]) -> ExternalStorage:
    """Exercise 2: every model-call input goes to the store, the user's messages stay in the history.

    A message is a little over ``MESSAGE_SIZE`` bytes as a payload; the smallest
    model-call input (the first turn's) carries that message plus the agent's
    instructions and tool schemas, well over a kilobyte more. 4 KiB is between.
    """
    return claim_check(directory, threshold=4 * 1024)


@activity.defn
async def get_weather_traced(city: str) -> str:
    """Exercise 3: the weather tool, recording the city on its span."""
    opentelemetry.trace.get_current_span().set_attribute("weather.city", city)
    return await get_weather(city)


@workflow.defn
class TracedWeatherWorkflow:
    """The weather agent, with the tool that adds a span attribute."""

    @workflow.run
    async def run(self, prompt: str) -> str:
        """Answer the prompt, calling the traced weather tool as the model asks."""
        agent = Agent(
            name="Weather Assistant",
            instructions="You are helpful. Use get_weather_traced for any question about the weather.",
            tools=[activity_as_tool(get_weather_traced, start_to_close_timeout=timedelta(seconds=10))],
        )
        result = await Runner.run(agent, prompt)
        return result.final_output
