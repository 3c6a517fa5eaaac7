"""Watch a Workflow's model replies stream live: printed into the cell, in a widget, or both.

The OpenAI Agents integration publishes every event of a streamed model call
to the Workflow's ``WorkflowStream`` (``ModelActivityParameters(streaming_topic=...)``).
Subscribers get the raw OpenAI Responses events, batched, in order, at least
once per Activity attempt. So when a model call fails halfway, a subscriber
first sees the broken attempt's events and then the retry's, which starts
over with its own ``response.created``. The views here handle that the way a
chat UI should: the printer marks the seam, the widget throws the broken
attempt's text away when the new attempt starts.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any, cast

import ipywidgets as widgets
from agents.items import TResponseStreamEvent
from temporalio.client import Client, WorkflowHandle
from temporalio.common import RawValue
from temporalio.contrib.workflow_streams import WorkflowStreamClient

from shared._views.display import widget_bundle

_EVENT_TYPE = cast(type, TResponseStreamEvent)  # an Annotated union, which the converter decodes by its "type"

_TEXT_STYLE = "white-space:pre-wrap;margin-bottom:0.5em"
RETRY_SEAM = "\n↻ that attempt broke off; the retry streams the reply again:\n"


@dataclass
class ResponseAsSeen:
    """One model response as a subscriber saw it: its text so far, and whether it completed."""

    text: str = ""
    completed: bool = False


@dataclass
class StreamedReply:
    """Everything a subscriber saw, one entry per ``response.created``: every attempt of every model call."""

    responses: list[ResponseAsSeen] = field(default_factory=list)

    def add(self, event: Any) -> str:
        """Take one event in; return the text a live printer should show for it."""
        kind = getattr(event, "type", "")
        if kind == "response.created":
            seam = RETRY_SEAM if self.responses and not self.responses[-1].completed else ""
            self.responses.append(ResponseAsSeen())
            return seam
        if not self.responses:  # joined mid-response: start a response for what follows
            self.responses.append(ResponseAsSeen())
        current = self.responses[-1]
        if kind == "response.output_text.delta":
            current.text += event.delta
            return str(event.delta)
        if kind == "response.completed":
            current.completed = True
            return "\n" if current.text else ""
        return ""

    @property
    def text(self) -> str:
        """The reply as the model gave it: the text of every completed response, broken attempts left out."""
        return "\n".join(r.text for r in self.responses if r.completed and r.text)

    @property
    def broken(self) -> int:
        """How many attempts broke off before their ``response.completed``."""
        return sum(1 for r in self.responses if not r.completed)

    def __repr__(self) -> str:
        return f"<StreamedReply: {len(self.responses)} responses, {self.broken} broke off>"


class ReplyBox:
    """A widget that shows the reply as it streams, and drops a broken attempt's text when its retry starts."""

    def __init__(self) -> None:
        self.reply = StreamedReply()
        self.body = widgets.HTML()
        self.status = widgets.HTML("<i>waiting for the model…</i>")
        self.view = widgets.VBox([self.body, self.status])

    def show(self, event: Any) -> None:
        """Redraw for one event: a new attempt drops the broken one's text, a delta extends the current one."""
        self.reply.add(event)
        current = self.reply.responses[-1] if self.reply.responses else None
        shown = [r.text for r in self.reply.responses if r.text and (r.completed or r is current)]
        self.body.value = "".join(f"<div style='{_TEXT_STYLE}'>{html.escape(text)}</div>" for text in shown)
        state = "done" if current is not None and current.completed else "streaming…"
        if self.dropped:
            state += f" (started over: {self.dropped} broken attempt{'s' if self.dropped > 1 else ''} dropped)"
        self.status.value = f"<i>{state}</i>"

    @property
    def dropped(self) -> int:
        """How many broken attempts the box has thrown away (the one streaming now is not broken yet)."""
        return sum(1 for r in self.reply.responses[:-1] if not r.completed)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        return widget_bundle(self.view, repr(self), **kwargs)

    def __repr__(self) -> str:
        return f"<ReplyBox: {len(self.reply.responses)} responses, {self.dropped} dropped>"


async def stream_reply(
    client: Client,
    handle: WorkflowHandle,
    *,
    topic: str,
    box: ReplyBox | None = None,
    echo: bool = True,
) -> StreamedReply:
    """Subscribe to the Workflow's model events until it closes; print them live (``echo``) and/or draw ``box``.

    Returns what this subscriber saw. The subscription ends by itself when the
    Workflow closes, after the last events are delivered.
    """
    reply = StreamedReply()
    converter = client.data_converter.payload_converter
    stream = WorkflowStreamClient.create(client, handle.id)
    async for item in stream.subscribe([topic], result_type=RawValue):
        event = converter.from_payload(item.data.payload, _EVENT_TYPE)
        printed = reply.add(event)
        if echo and printed:
            print(printed, end="", flush=True)
        if box is not None:
            box.show(event)
    return reply
