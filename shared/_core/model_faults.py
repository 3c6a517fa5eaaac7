"""Faults injected into model calls, the same way whatever the model answers.

A lesson that shows what happens when a model call fails, is slow, hands off
to an agent that does not exist or answers off its output type must show it
with OpenAI, a local server and the offline model alike. So the fault is not
asked of the model: every Worker's model provider is wrapped in
``FaultInjectingProvider``, and a notebook switches a fault on for one
Workflow id, in a line the reader sees::

    inject_model_fault("nb02-fail-once", ModelFault(fail_first_attempt=True))

The fault applies to the next run with that id (the first model call binds it
to the run), in any Worker process on this machine: it is a small file in the
cookbook's state folder, read at each model call. Every fault says in the
Event History that it was injected.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx2
from agents import (
    AgentOutputSchemaBase,
    Handoff,
    Model,
    ModelProvider,
    ModelResponse,
    ModelSettings,
    ModelTracing,
    Tool,
    TResponseInputItem,
    Usage,
)
from agents.items import TResponseStreamEvent
from openai import RateLimitError
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText
from temporalio import activity
from temporalio.exceptions import ApplicationError

from shared._core.errors import CookbookError
from shared._core.server import STATE_DIR, private_state_dir
from shared._core.wrapped_model import WrappedModel

FAULTS_DIR = STATE_DIR / "model-faults"
"""One file per Workflow id that has a fault waiting or under way."""

MISSING_AGENT_HANDOFF = "transfer_to_missing_agent"
"""The handoff a ``missing_handoff`` fault asks for: no agent of that name exists."""

BROKEN_STREAM_WORDS = 12
"""How many text deltas a broken stream delivers before its connection drops."""

LABEL = "(injected fault)"


@dataclass(frozen=True)
class ModelFault:
    """What goes wrong with every model call of one Workflow run; each part is off unless set.

    A streamed call (``Runner.run_streamed``) meets ``delay_s`` and ``fail_first_attempt``.
    """

    fail_first_attempt: bool = False
    """Attempt 1 of each model call fails as a dropped connection would (a stream, after a few words)."""
    delay_s: float = 0.0
    """Each model call starts this many seconds late, so a crash can land in the middle of one."""
    missing_handoff: bool = False
    """An agent that has handoffs hands off to an agent that does not exist, instead of asking the model."""
    off_schema_answer: bool = False
    """An agent with an output type gets a final answer whose JSON has none of the type's fields."""
    retry_after_s: float = 0.0
    """Attempt 1 of each model call is refused with HTTP 429 and this ``Retry-After``, as a provider over its
    rate limit answers; the plugin retries after that long, not after its retry policy's interval."""


def inject_model_fault(workflow_id: str, fault: ModelFault) -> None:
    """Make the next run with ``workflow_id`` meet ``fault`` in every model call, in any Worker on this machine."""
    if not isinstance(workflow_id, str) or not workflow_id:
        raise CookbookError(f"inject_model_fault needs a Workflow id, a non-empty string; got {workflow_id!r}.")
    if not isinstance(fault, ModelFault):
        raise CookbookError(f"inject_model_fault needs a ModelFault, such as ModelFault(delay_s=0.5); got {fault!r}.")
    _write(_path(workflow_id), {"fault": asdict(fault), "run_id": None})


def current_fault() -> ModelFault | None:
    """The fault for the model call running now, if its Workflow run has one (outside an Activity: none)."""
    if not activity.in_activity():
        return None
    info = activity.info()
    path = _path(info.workflow_id)
    try:
        entry = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if entry["run_id"] is None:  # the first model call of the next run binds the fault to that run
        entry["run_id"] = info.workflow_run_id
        _write(path, entry)
    return ModelFault(**entry["fault"]) if entry["run_id"] == info.workflow_run_id else None


class FaultInjectingModel(WrappedModel):
    """A model whose calls meet the fault injected for their Workflow run, if any."""

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        **kwargs: Any,
    ) -> ModelResponse:
        """The inner model's response, or the injected fault in its place."""
        fault = current_fault()
        if fault is not None:
            await _before_call(fault)
            if fault.missing_handoff and handoffs:
                return ModelResponse(output=[_missing_handoff()], usage=Usage(), response_id=None)
        response = await self._inner.get_response(
            system_instructions, input, model_settings, tools, output_schema, handoffs, tracing, **kwargs
        )
        if fault is not None and fault.off_schema_answer and output_schema and not output_schema.is_plain_text():
            return _off_schema(response)
        return response

    async def stream_response(  # type: ignore[override]
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        **kwargs: Any,
    ) -> AsyncIterator[TResponseStreamEvent]:
        """The inner model's stream; a ``fail_first_attempt`` fault breaks it after a few words."""
        fault = current_fault()
        if fault is not None:
            await asyncio.sleep(fault.delay_s)
        breaks = fault is not None and fault.fail_first_attempt and activity.info().attempt == 1
        words = 0
        stream = self._inner.stream_response(
            system_instructions, input, model_settings, tools, output_schema, handoffs, tracing, **kwargs
        )
        async for event in stream:
            if breaks and (event.type == "response.completed" or words == BROKEN_STREAM_WORDS):
                raise _dropped(f"the stream broke off after {words} words")
            yield event
            words += event.type == "response.output_text.delta"


class FaultInjectingProvider(ModelProvider):
    """Wrap every model a provider hands out, so injected faults reach it."""

    def __init__(self, inner: ModelProvider) -> None:
        self._inner = inner

    def get_model(self, model_name: str | None) -> Model:
        """The inner provider's model, wrapped."""
        return FaultInjectingModel(self._inner.get_model(model_name))


async def _before_call(fault: ModelFault) -> None:
    """Wait the fault's delay, then fail attempt 1 if the fault says so."""
    await asyncio.sleep(fault.delay_s)
    if fault.retry_after_s and activity.info().attempt == 1:
        raise _rate_limited(fault.retry_after_s)
    if fault.fail_first_attempt and activity.info().attempt == 1:
        raise _dropped("the connection dropped before the reply")


def _rate_limited(retry_after_s: float) -> RateLimitError:
    """The error the OpenAI client raises for a 429 with ``Retry-After``: the plugin reads the header."""
    request = httpx2.Request("POST", "https://model-server.invalid/v1/responses")
    response = httpx2.Response(429, headers={"retry-after": f"{retry_after_s:g}"}, request=request)
    return RateLimitError(f"{LABEL} 429 Too Many Requests", response=response, body=None)


def _dropped(what: str) -> ApplicationError:
    message = f"{LABEL} attempt 1 of this model call fails: {what}; Temporal retries it"
    return ApplicationError(message, type="InjectedFault")


def _missing_handoff() -> ResponseFunctionToolCall:
    return ResponseFunctionToolCall(
        arguments="{}", call_id="call_missing_agent", name=MISSING_AGENT_HANDOFF, type="function_call",
        id="fc_missing_agent", status="completed",
    )  # fmt: skip


def _off_schema(response: ModelResponse) -> ModelResponse:
    """The response with its final answer replaced by JSON that fits no output type's fields."""
    if any(isinstance(item, ResponseFunctionToolCall) for item in response.output):
        return response  # not the final answer yet: the fault waits for it
    text = json.dumps({"note": f"{LABEL} an answer that ignores the output type"})
    message = ResponseOutputMessage(
        id="msg_injected", role="assistant", status="completed", type="message",
        content=[ResponseOutputText(text=text, annotations=[], type="output_text")],
    )  # fmt: skip
    return ModelResponse(output=[message], usage=response.usage, response_id=response.response_id)


def _path(workflow_id: str) -> Path:
    return FAULTS_DIR / f"{hashlib.sha256(workflow_id.encode()).hexdigest()[:32]}.json"


def _write(path: Path, entry: dict[str, Any]) -> None:
    """Replace the file at once, so a Worker reading it never sees half of it (in the private state folder)."""
    private_state_dir()
    path.parent.mkdir(mode=0o700, exist_ok=True)
    scratch = path.with_suffix(f".{os.getpid()}.tmp")
    scratch.write_text(json.dumps(entry))
    scratch.replace(path)
