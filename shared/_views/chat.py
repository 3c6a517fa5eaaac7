"""Talk to a chat Workflow from the kernel: ``say`` one turn, read the transcript, or use a chat box.

``say`` sends a turn as an Update and returns the reply, turning a refusal
into one readable line; ``read_transcript`` reads the conversation with a
Query. ``ChatBox`` puts the same two calls behind a text input, a Send
button and the transcript.

Any chat Workflow works that has an Update named ``send`` and a Query named
``transcript`` (notebook 04's does). The box talks to the Workflow only through
those two, so it holds no conversation state of its own: build a new
box on a handle from ``client.get_workflow_handle(id)`` and the whole chat is
there. Clicking Send never blocks the kernel: the click schedules the Update
as an asyncio task and returns at once, and the transcript redraws when the
reply arrives. ``await box.send(text)`` takes the same path from plain code,
which is how the notebooks are tested.
"""

from __future__ import annotations

import asyncio
import html
from typing import Any

import ipywidgets as widgets
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError

from shared._core.errors import CookbookError
from shared._core.models import model_wait_s
from shared._core.updates import execute_update_or_explain
from shared._views.display import widget_bundle

ROLE_STYLE = {"user": "You", "agent": "Agent", "reminder": "⏰"}

SEND_UPDATE = "send"
"""The Update a chat Workflow takes a user's turn by: the message in, the reply out."""

TRANSCRIPT_QUERY = "transcript"
"""The Query a chat Workflow answers with its conversation, as ``(role, text)`` pairs."""


async def say(handle: WorkflowHandle, message: str) -> str:
    """Send one turn as the chat's ``send`` Update and return the reply; a refused turn is a one-line error.

    A Workflow Task that keeps failing meanwhile (a wrong key, a missing
    claim-check payload) ends the wait at once with the failure's own cause.
    """
    try:
        return await execute_update_or_explain(handle, SEND_UPDATE, message, timeout=None, result_type=str)
    except WorkflowUpdateFailedError as err:
        reason = err.cause.message if err.cause is not None and hasattr(err.cause, "message") else str(err)
        raise CookbookError(f"The chat refused the message: {reason}") from None
    except RPCError as err:
        if "completed" in str(err).lower() or "not found" in str(err).lower():
            raise CookbookError(
                f"The chat {handle.id} has ended (its Workflow is closed), so it takes no more messages."
            ) from None
        raise


async def read_transcript(handle: WorkflowHandle) -> list[tuple[str, str]]:
    """The transcript as (role, text) pairs, read with the chat's ``transcript`` Query."""
    lines = await handle.query(TRANSCRIPT_QUERY, result_type=list[dict[str, Any]])
    return [(line["role"], line["text"]) for line in lines]


def format_transcript(lines: list[tuple[str, str]]) -> str:
    """Plain-text transcript, one line per message."""
    return "\n".join(f"{ROLE_STYLE.get(role, role)}: {text}" for role, text in lines)


class ChatBox:
    """Input, Send button and transcript for one chat Workflow."""

    def __init__(self, handle: WorkflowHandle) -> None:
        self.handle = handle
        self.input = widgets.Text(placeholder="Type a message and press Send", layout=widgets.Layout(width="70%"))
        self.button = widgets.Button(description="Send", button_style="primary")
        self.refresh_button = widgets.Button(description="Refresh", tooltip="Read the transcript again")
        self.status = widgets.HTML()
        self.transcript = widgets.HTML()
        self.lines: list[tuple[str, str]] = []
        self._pending: set[asyncio.Task[Any]] = set()
        self.button.on_click(self._on_send_click)
        self.refresh_button.on_click(lambda _: self._schedule(self.refresh()))
        self.input.continuous_update = False
        self.view = widgets.VBox(
            [self.transcript, widgets.HBox([self.input, self.button, self.refresh_button]), self.status]
        )

    def _schedule(self, coro: Any) -> None:
        """Run the coroutine as a task on the kernel's loop and return at once."""
        task = asyncio.ensure_future(coro)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    @property
    def busy(self) -> bool:
        """Whether a send or refresh is still in flight."""
        return bool(self._pending)

    async def idle(self, timeout: float | None = None) -> None:
        """Wait until every send or refresh the buttons started has finished (by default, one model call's time)."""
        if self._pending:
            await asyncio.wait_for(asyncio.gather(*list(self._pending)), model_wait_s() if timeout is None else timeout)

    def _on_send_click(self, _button: widgets.Button) -> None:
        """Take the text now, send it in the background: the click handler returns at once."""
        text, self.input.value = self.input.value, ""
        self._schedule(self._send_from_input(text))

    async def _send_from_input(self, text: str) -> None:
        try:
            await self.send(text)
        except CookbookError as err:
            self.status.value = f"<span style='color:#b00'>{html.escape(str(err))}</span>"

    async def send(self, text: str) -> str:
        """Send a message (the Send button does exactly this) and redraw the transcript."""
        self.button.disabled = True
        self.status.value = "<i>Agent is thinking…</i>"
        try:
            reply = await say(self.handle, text)
        finally:
            self.button.disabled = False
        self.status.value = ""
        await self.refresh()
        return reply

    async def refresh(self) -> None:
        """Read the transcript from the Workflow (reminders appear here when their timers fire)."""
        self.lines = await read_transcript(self.handle)
        self.transcript.value = "".join(
            f"<div><b>{html.escape(ROLE_STYLE.get(role, role))}:</b> {html.escape(text)}</div>"
            for role, text in self.lines
        )

    def text(self) -> str:
        """The transcript as plain text."""
        return format_transcript(self.lines)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        return widget_bundle(self.view, repr(self), **kwargs)

    def __repr__(self) -> str:
        return f"<ChatBox for {self.handle.id}: {len(self.lines)} lines>"


async def chat_box(handle: WorkflowHandle) -> ChatBox:
    """A chat box on this chat Workflow, with the transcript so far already drawn."""
    box = ChatBox(handle)
    await box.refresh()
    return box
