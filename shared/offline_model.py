"""The offline model: a deterministic stand-in for an LLM, so every notebook runs with no key.

It is not clever, but it is honest about what it does. For each request it:

1. reads the latest user message and what happened since (tool calls and results);
2. picks the tools the message needs: a tool is needed when a word of its name
   (``get_weather`` -> "weather") appears in the message, or when the
   instructions name it;
3. fills in each tool's arguments from the message, following the tool's JSON
   schema ("weather in Lima and Tokyo" -> two calls, ``city="Lima"`` and
   ``city="Tokyo"``), one call per turn, each with a unique call id;
4. hands off to another agent when the message names it;
5. answers from the tool results, as text labelled "(offline model)" or as
   JSON that fits the agent's output type.

Put ``[fail-once]`` in a prompt to make the first attempt of each model call
fail with a transient error, so you can watch Temporal retry it. Put
``[slow-model]`` in it to make each model call take half a second, like a real
model, so a crash can land in the middle of one.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from typing import Any

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
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText
from temporalio import activity

LABEL = "(offline model)"
FAIL_ONCE_MARKER = "[fail-once]"
SLOW_MODEL_MARKER = "[slow-model]"
SLOW_MODEL_SECONDS = 0.5

_GENERIC_WORDS = {
    "get", "set", "fetch", "lookup", "look", "find", "check", "tool", "run", "do",
    "the", "and", "for", "with", "from", "info", "data", "current", "make", "create",
}  # fmt: skip
_PREPOSITIONS = ("in", "for", "to", "about", "at", "of", "on", "from")
_NAME = r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*"
_NAME_LIST = re.compile(rf"\b(?:{'|'.join(_PREPOSITIONS)})\s+({_NAME}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){_NAME})*)")
_PHRASE_AFTER_PREPOSITION = re.compile(rf"\b(?:{'|'.join(_PREPOSITIONS)})\s+([^?.!,;]+)", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class OfflineModelTransientError(RuntimeError):
    """The simulated transient failure requested with ``[fail-once]``."""


@dataclass
class ToolCall:
    """A tool call the model made earlier in the conversation, with its result if any."""

    name: str
    arguments: dict[str, Any]
    output: str | None = None


@dataclass
class Conversation:
    """What the offline model reads from the input items."""

    request: str = ""
    calls: list[ToolCall] = field(default_factory=list)
    total_calls: int = 0

    @classmethod
    def parse(cls, items: str | list[TResponseInputItem]) -> Conversation:
        """Find the latest user request and the tool calls made since then."""
        if isinstance(items, str):
            return cls(request=items)
        convo = cls()
        by_call_id: dict[str, ToolCall] = {}
        for item in items:
            item = dict(item)
            kind = item.get("type")
            if item.get("role") == "user" and kind in (None, "message"):
                convo.request = _text_of(item.get("content"))
                convo.calls, by_call_id = [], {}
            elif kind == "function_call":
                call = ToolCall(item["name"], _loads(item.get("arguments")))
                convo.calls.append(call)
                convo.total_calls += 1
                by_call_id[item["call_id"]] = call
            elif kind == "function_call_output" and item.get("call_id") in by_call_id:
                by_call_id[item["call_id"]].output = _text_of(item.get("output"))
        return convo

    def has_called(self, name: str, arguments: dict[str, Any]) -> bool:
        """Whether this exact call was already made since the latest request."""
        return any(c.name == name and c.arguments == arguments for c in self.calls)

    @property
    def results(self) -> list[str]:
        """The outputs of the tool calls since the latest request, in order."""
        return [c.output for c in self.calls if c.output is not None and not c.name.startswith("transfer_to_")]


class OfflineModel(Model):
    """A deterministic implementation of the Agents SDK ``Model`` interface."""

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
        """Decide the next step: a tool call, a handoff, or the final answer."""
        convo = Conversation.parse(input)
        instructions = system_instructions or ""
        _maybe_fail_once(convo.request, instructions)
        if SLOW_MODEL_MARKER in convo.request or SLOW_MODEL_MARKER in instructions:
            await asyncio.sleep(SLOW_MODEL_SECONDS)
        for name, arguments in plan_tool_calls(convo.request, instructions, tools):
            if not convo.has_called(name, arguments):
                return _response(_tool_call(name, arguments, convo.total_calls))
        handoff = pick_handoff(convo, handoffs)
        if handoff is not None:
            return _response(_tool_call(handoff.tool_name, {}, convo.total_calls))
        if output_schema is not None and not output_schema.is_plain_text():
            return _response(_message(json.dumps(structured_answer(output_schema, convo))))
        return _response(_message(text_answer(convo, instructions)))

    def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[TResponseStreamEvent]:
        """Streaming is not simulated; the cookbook's agents use ``Runner.run``."""
        raise NotImplementedError("The offline model does not stream; use Runner.run, not Runner.run_streamed.")


class OfflineModelProvider(ModelProvider):
    """Hand out the offline model whatever model name an agent asks for."""

    def get_model(self, model_name: str | None) -> Model:
        """Return the offline model."""
        return OfflineModel()


def plan_tool_calls(request: str, instructions: str, tools: Iterable[Tool]) -> list[tuple[str, dict[str, Any]]]:
    """Every (tool name, arguments) pair the request needs, in the order the tools are listed."""
    plan: list[tuple[str, dict[str, Any]]] = []
    for tool in tools:
        schema = getattr(tool, "params_json_schema", None)
        if schema is None or not tool_is_needed(tool.name, request, instructions):
            continue
        plan += [(tool.name, args) for args in arguments_for(schema, request)]
    return plan


def tool_is_needed(tool_name: str, request: str, instructions: str) -> bool:
    """A tool is needed when the request mentions a word of its name, or the instructions name it."""
    if tool_name in request or tool_name in instructions:
        return True
    words = {_stem(w) for w in re.findall(r"[a-z]+", request.lower()) if len(w) > 2}
    keywords = {_stem(w) for w in tool_name.lower().split("_") if w not in _GENERIC_WORDS and len(w) > 2}
    return bool(words & keywords)


def arguments_for(schema: dict[str, Any], request: str) -> list[dict[str, Any]]:
    """Arguments for one call per entity named in the request ("Lima and Tokyo" -> two)."""
    properties: dict[str, Any] = schema.get("properties", {})
    entities = named_entities(request) or [_fallback_phrase(request)]
    string_params = [n for n, p in properties.items() if p.get("type") == "string" and "enum" not in p]
    per_entity = entities if string_params else entities[:1]
    calls = []
    for entity in per_entity:
        args = {name: _value_for(name, prop, request, entity, entities) for name, prop in properties.items()}
        calls.append(args)
    return calls


def named_entities(request: str) -> list[str]:
    """Capitalised names after a preposition: "in Lima and Tokyo" -> ["Lima", "Tokyo"]."""
    entities: list[str] = []
    for match in _NAME_LIST.finditer(request):
        for name in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", match.group(1)):
            if name and name not in entities:
                entities.append(name)
    return entities


def pick_handoff(convo: Conversation, handoffs: Iterable[Handoff]) -> Handoff | None:
    """Hand off once per request, to the first agent whose name the request mentions."""
    if any(c.name.startswith("transfer_to_") for c in convo.calls):
        return None
    words = {_stem(w) for w in re.findall(r"[a-z]+", convo.request.lower()) if len(w) > 3}
    for handoff in handoffs:
        name_words = {_stem(w) for w in re.findall(r"[a-z]+", handoff.agent_name.lower()) if len(w) > 3}
        if words & name_words:
            return handoff
    return None


def text_answer(convo: Conversation, instructions: str) -> str:
    """The final text: the tool results, or a plan, or an acknowledgement, always labelled."""
    if convo.results:
        return f"{LABEL} " + " ".join(r.rstrip(".") + "." for r in convo.results)
    if "plan" in instructions.lower():
        task = convo.request.strip().rstrip(".?!")
        steps = [f"Gather what is needed to {task}.", f"Carry out: {task}.", "Check the result and report back."]
        return f"{LABEL} Plan:\n" + "\n".join(f"{i}. {step}" for i, step in enumerate(steps, 1))
    return f"{LABEL} You said: {convo.request.strip()}"


def structured_answer(output_schema: AgentOutputSchemaBase, convo: Conversation) -> Any:
    """JSON that validates against the agent's output type, filled from the tool results."""
    schema = output_schema.json_schema()
    return _fill(schema, schema.get("$defs", {}), "", convo)


def _fill(schema: dict[str, Any], defs: dict[str, Any], name: str, convo: Conversation) -> Any:
    if "$ref" in schema:
        return _fill(defs[schema["$ref"].split("/")[-1]], defs, name, convo)
    if "anyOf" in schema:
        return _fill(schema["anyOf"][0], defs, name, convo)
    text = " ".join(convo.results) or convo.request
    kind = schema.get("type")
    if "enum" in schema:
        return next((v for v in schema["enum"] if str(v).lower() in text.lower()), schema["enum"][0])
    if kind == "object":
        props = schema.get("properties", {})
        return {key: _fill(prop, defs, key, convo) for key, prop in props.items()}
    if kind == "array":
        item_schema = schema.get("items", {})
        if item_schema.get("type") == "string":
            return convo.results or [convo.request]
        return [_fill(item_schema, defs, name, convo)]
    if kind in ("integer", "number"):
        numbers = _NUMBER.findall(text)
        value = float(numbers[0]) if numbers else 0
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return not re.search(r"\b(no|not|reject|fail|false)\b", text.lower())
    return f"{LABEL} {text}" if name in ("summary", "answer", "text", "response") else text


def _value_for(name: str, prop: dict[str, Any], request: str, entity: str, entities: list[str]) -> Any:
    explicit = re.search(rf"\b{re.escape(name)}\s*[:=]\s*\"?([^\",;]+)\"?", request, re.IGNORECASE)
    kind = prop.get("type")
    if "enum" in prop:
        return next((v for v in prop["enum"] if str(v).lower() in request.lower()), prop["enum"][0])
    if kind in ("integer", "number"):
        numbers = _NUMBER.findall(explicit.group(1) if explicit else request)
        value = float(numbers[0]) if numbers else prop.get("default", 1)
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return bool(explicit and explicit.group(1).strip().lower() in ("true", "yes", "1"))
    if kind == "array":
        return entities
    if kind == "object":
        return {}
    return explicit.group(1).strip() if explicit else entity


def _fallback_phrase(request: str) -> str:
    """Without a capitalised name, the words after the last preposition ("weather in lima" -> "lima")."""
    matches = _PHRASE_AFTER_PREPOSITION.findall(request)
    return matches[-1].strip() if matches else request.strip().rstrip("?.!")


def _maybe_fail_once(request: str, instructions: str) -> None:
    if FAIL_ONCE_MARKER not in request and FAIL_ONCE_MARKER not in instructions:
        return
    if activity.in_activity() and activity.info().attempt == 1:
        raise OfflineModelTransientError(f"{LABEL} simulated transient failure on attempt 1; Temporal will retry")


def _tool_call(name: str, arguments: dict[str, Any], index: int) -> ResponseFunctionToolCall:
    """A tool call whose id is unique in the run and the same every time for the same input."""
    args = json.dumps(arguments, sort_keys=True)
    digest = hashlib.sha256(f"{index}:{name}:{args}".encode()).hexdigest()[:16]
    return ResponseFunctionToolCall(
        arguments=args, call_id=f"call_{digest}", name=name, type="function_call", id=f"fc_{digest}", status="completed"
    )


def _message(text: str) -> ResponseOutputMessage:
    return ResponseOutputMessage(
        id="msg_offline",
        content=[ResponseOutputText(text=text, annotations=[], type="output_text")],
        role="assistant",
        status="completed",
        type="message",
    )


def _response(item: ResponseFunctionToolCall | ResponseOutputMessage) -> ModelResponse:
    return ModelResponse(output=[item], usage=Usage(), response_id=None)


def _text_of(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(_text_of(part) for part in content)
    if isinstance(content, dict):
        return str(content.get("text") or content.get("output") or "")
    return str(content)


def _loads(arguments: str | None) -> dict[str, Any]:
    try:
        value = json.loads(arguments or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _stem(word: str) -> str:
    return word[:5]
