"""The offline model: a deterministic stand-in for an LLM, so every notebook runs with no key.

It is not clever, but it is honest about what it does. For each request it:

1. reads the latest user message and what happened since (tool calls and results);
2. picks the tools the message needs: a tool is needed when a word of its name
   (``get_weather`` -> "weather") appears in the message, or when the
   instructions name it;
3. fills in each tool's arguments from the message, following the tool's JSON
   schema ("weather in Lima and Tokyo" -> two calls, ``city="Lima"`` and
   ``city="Tokyo"``; an ``order_id`` parameter takes the ids the message
   names, such as "A-1001"), each with a unique call id;
4. asks for every call it still needs in one reply, as a real model does with
   parallel tool calls, or for one call per reply when the agent sets
   ``ModelSettings(parallel_tool_calls=False)`` (which real models honour too);
5. hands off to another agent when the message names it;
6. answers from the tool results, as text labelled "(offline model)" or as
   JSON that fits the agent's output type (a yes/no field is what the text
   says of it, else what the instructions' rule for it gives).

It streams too (``Runner.run_streamed``): the same reply, a word per event.

It obeys no magic words. Failures, slow calls and misbehaviour are injected
around any model, this one included, by ``inject_model_fault``.
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
from agents.items import TResponseOutputItem, TResponseStreamEvent
from openai.types.responses import (
    Response,
    ResponseCompletedEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseFunctionToolCall,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseOutputMessage,
    ResponseOutputText,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
)

LABEL = "(offline model)"
STREAM_WORD_SECONDS = 0.05
"""The pause between two streamed words: slow enough to watch, fast enough for tests."""

_GENERIC_WORDS = {
    "get", "set", "fetch", "lookup", "look", "find", "check", "tool", "run", "do",
    "the", "and", "for", "with", "from", "info", "data", "current", "make", "create",
}  # fmt: skip
_PREPOSITIONS = ("in", "for", "to", "about", "at", "of", "on", "from")
_NAME = r"[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*"
_NAME_LIST = re.compile(rf"\b(?:{'|'.join(_PREPOSITIONS)})\s+({_NAME}(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+){_NAME})*)")
_PHRASE_AFTER_PREPOSITION = re.compile(rf"\b(?:{'|'.join(_PREPOSITIONS)})\s+([^?.!,;]+)", re.IGNORECASE)
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_IDENTIFIER = re.compile(r"\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*\b")
"""A word of letters and digits, such as an order id ("A-1001") or an invoice ("INV42")."""
_NEGATION = ("not", "no", "never", "nobody", "nothing", "cannot")
_PROBLEM = re.compile(rf"\b(?:{'|'.join(_NEGATION)}|\w+n't|fail\w*|error\w*|outage\w*|down)\b", re.I)
"""A negation or a failure: what the stand-in takes for a problem the text reports."""


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
        """Decide the next step: tool calls, a handoff, or the final answer."""
        convo = Conversation.parse(input)
        output = decide(convo, system_instructions or "", model_settings, tools, output_schema, handoffs)
        return ModelResponse(output=output, usage=Usage(), response_id=None)

    async def stream_response(
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
        """The same decision as ``get_response``, streamed as Responses API events, a word at a time."""
        convo = Conversation.parse(input)
        output = decide(convo, system_instructions or "", model_settings, tools, output_schema, handoffs)
        async for event in stream_events(output):
            yield event


class OfflineModelProvider(ModelProvider):
    """Hand out the offline model whatever model name an agent asks for."""

    def get_model(self, model_name: str | None) -> Model:
        """Return the offline model."""
        return OfflineModel()


def decide(
    convo: Conversation,
    instructions: str,
    model_settings: ModelSettings,
    tools: list[Tool],
    output_schema: AgentOutputSchemaBase | None,
    handoffs: list[Handoff],
) -> list[TResponseOutputItem]:
    """The reply's output items: the tool calls still needed, else a handoff, else the answer."""
    needed = [call for call in plan_tool_calls(convo.request, instructions, tools) if not convo.has_called(*call)]
    if needed:
        if model_settings.parallel_tool_calls is False:
            needed = needed[:1]
        return [_tool_call(name, arguments, convo.total_calls + i) for i, (name, arguments) in enumerate(needed)]
    handoff = pick_handoff(convo, handoffs)
    if handoff is not None:
        return [_tool_call(handoff.tool_name, {}, convo.total_calls)]
    if output_schema is not None and not output_schema.is_plain_text():
        return [_message(json.dumps(structured_answer(output_schema, convo, instructions)))]
    return [_message(text_answer(convo, instructions))]


async def stream_events(output: list[TResponseOutputItem]) -> AsyncIterator[TResponseStreamEvent]:
    """Stream the output items as the Responses API does: created, per item added/deltas/done, completed."""
    for event in _events_for(output):
        if isinstance(event, ResponseTextDeltaEvent):
            await asyncio.sleep(STREAM_WORD_SECONDS)
        yield event


def _events_for(output: list[TResponseOutputItem]) -> list[TResponseStreamEvent]:
    """Every stream event of a reply, numbered in order."""
    events: list[Any] = []

    def add(event_type: type, **fields: Any) -> None:
        events.append(event_type(sequence_number=len(events), **fields))

    add(ResponseCreatedEvent, type="response.created", response=_response_object([], "in_progress"))
    for index, item in enumerate(output):
        if isinstance(item, ResponseFunctionToolCall):
            started = item.model_copy(update={"arguments": "", "status": "in_progress"})
            add(ResponseOutputItemAddedEvent, type="response.output_item.added", item=started, output_index=index)
            add(
                ResponseFunctionCallArgumentsDoneEvent, type="response.function_call_arguments.done",
                item_id=item.id, output_index=index, arguments=item.arguments, name=item.name,
            )  # fmt: skip
        else:
            assert isinstance(item, ResponseOutputMessage)
            text = item.content[0].text if isinstance(item.content[0], ResponseOutputText) else ""
            started = item.model_copy(update={"content": [], "status": "in_progress"})
            add(ResponseOutputItemAddedEvent, type="response.output_item.added", item=started, output_index=index)
            part = ResponseOutputText(text="", annotations=[], type="output_text")
            where = {"item_id": item.id, "output_index": index, "content_index": 0}
            add(ResponseContentPartAddedEvent, type="response.content_part.added", part=part, **where)
            for word in re.findall(r"\S+\s*", text):
                add(ResponseTextDeltaEvent, type="response.output_text.delta", delta=word, logprobs=[], **where)
            add(ResponseTextDoneEvent, type="response.output_text.done", text=text, logprobs=[], **where)
            add(ResponseContentPartDoneEvent, type="response.content_part.done", part=item.content[0], **where)
        add(ResponseOutputItemDoneEvent, type="response.output_item.done", item=item, output_index=index)
    add(ResponseCompletedEvent, type="response.completed", response=_response_object(output, "completed"))
    return events


def _response_object(output: list[TResponseOutputItem], status: str) -> Response:
    return Response(
        id="resp_offline", created_at=0, model="offline", object="response", output=output,
        parallel_tool_calls=True, tool_choice="auto", tools=[], status=status,  # type: ignore[arg-type]
    )  # fmt: skip


def plan_tool_calls(request: str, instructions: str, tools: Iterable[Tool]) -> list[tuple[str, dict[str, Any]]]:
    """Every distinct (tool name, arguments) pair the request needs, in the order the tools are listed."""
    plan: list[tuple[str, dict[str, Any]]] = []
    for tool in tools:
        schema = getattr(tool, "params_json_schema", None)
        if schema is None or not tool_is_needed(tool.name, request, instructions):
            continue
        for args in arguments_for(schema, request):
            if (tool.name, args) not in plan:
                plan.append((tool.name, args))
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
    entities = mentioned(request, properties)
    string_params = [n for n, p in properties.items() if p.get("type") == "string" and "enum" not in p]
    per_entity = entities if string_params and "input" not in properties else entities[:1]
    calls = []
    for entity in per_entity:
        args = {name: _value_for(name, prop, request, entity, entities) for name, prop in properties.items()}
        calls.append(args)
    return calls


def mentioned(request: str, properties: dict[str, Any]) -> list[str]:
    """What the request names, one tool call each: ids for an id parameter, else names, else a phrase."""
    if any(name == "id" or name.endswith("_id") for name in properties):
        ids = list(dict.fromkeys(_IDENTIFIER.findall(request)))
        if ids:
            return ids
    return named_entities(request) or [_fallback_phrase(request)]


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
    if convo.results:  # an agent used as a tool answered with its own label: say it once
        return f"{LABEL} " + " ".join(r.removeprefix(LABEL).strip().rstrip(".") + "." for r in convo.results)
    if "plan" in instructions.lower():
        task = convo.request.strip().rstrip(".?!")
        steps = [f"Gather what is needed to {task}.", f"Carry out: {task}.", "Check the result and report back."]
        return f"{LABEL} Plan:\n" + "\n".join(f"{i}. {step}" for i, step in enumerate(steps, 1))
    return f"{LABEL} You said: {convo.request.strip()}"


def structured_answer(output_schema: AgentOutputSchemaBase, convo: Conversation, instructions: str) -> Any:
    """JSON that validates against the agent's output type, filled from the tool results."""
    schema = output_schema.json_schema()
    return _fill(schema, schema.get("$defs", {}), "", convo, instructions)


def _fill(schema: dict[str, Any], defs: dict[str, Any], name: str, convo: Conversation, instructions: str) -> Any:
    if "$ref" in schema:
        return _fill(defs[schema["$ref"].split("/")[-1]], defs, name, convo, instructions)
    if "anyOf" in schema:
        return _fill(schema["anyOf"][0], defs, name, convo, instructions)
    text = " ".join(convo.results) or convo.request
    kind = schema.get("type")
    if "enum" in schema:
        return next((v for v in schema["enum"] if str(v).lower() in text.lower()), schema["enum"][0])
    if kind == "object":
        props = schema.get("properties", {})
        return {key: _fill(prop, defs, key, convo, instructions) for key, prop in props.items()}
    if kind == "array":
        item_schema = schema.get("items", {})
        if item_schema.get("type") == "string":
            return convo.results or [convo.request]
        return [_fill(item_schema, defs, name, convo, instructions)]
    if kind in ("integer", "number"):
        numbers = _NUMBER.findall(text)
        value = float(numbers[0]) if numbers else 0
        return int(value) if kind == "integer" else value
    if kind == "boolean":
        return yes_or_no(name, text, instructions)
    return f"{LABEL} {text}" if name in ("summary", "answer", "text", "response") else text


def yes_or_no(name: str, text: str, instructions: str) -> bool:
    """A yes/no field: what the text says of it, else the instructions' rule for it, read with generic cues.

    The text may say it ("Sunny" -> ``sunny`` is true, "not urgent" -> ``urgent``
    is false). If not, the instructions' sentence that names the field is its
    rule. "urgent only if ..." holds when the text reports a problem (a
    negation or a failure); "allowed is false if ..., otherwise true" holds
    unless it does. With no rule, the answer is yes unless the text reports a problem.
    """
    word = name.replace("_", " ")
    said = _said(word, text)
    if said is not None:
        return said
    problem = bool(_PROBLEM.search(text))
    rule = next((s for s in re.split(r"(?<=[.!?])\s+", instructions) if re.search(rf"\b{word}\b", s, re.I)), None)
    true_on_problem = rule is not None and not re.search(r"\bfalse\b|\bunless\b|\botherwise true\b", rule, re.I)
    return problem if true_on_problem else not problem


def _said(word: str, text: str) -> bool | None:
    """Whether the text says ``word`` holds ("sunny"), or not ("not urgent"); ``None`` when it does not say."""
    found = re.search(rf"((?:\S+\s+){{0,2}})\b{re.escape(word)}\b", text, re.I)
    if found is None:
        return None
    before = found.group(1).lower().split()
    return not any(w in _NEGATION or w.endswith("n't") for w in before)


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
    if name == "input":  # an agent used as a tool (Agent.as_tool) gets the whole request
        return request
    return explicit.group(1).strip() if explicit else entity


def _fallback_phrase(request: str) -> str:
    """Without a capitalised name, the words after the last preposition ("weather in lima" -> "lima")."""
    matches = _PHRASE_AFTER_PREPOSITION.findall(request)
    return matches[-1].strip() if matches else request.strip().rstrip("?.!")


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
