"""An approval panel for a Workflow that waits for a human: the plan, a comment box, Approve and Reject.

The panel knows nothing of any one Workflow class. You give it the Workflow's
``decide`` Update, its ``state`` Query and the type of the decision, and it
talks to the run only through those:

* a watcher task polls the Query and shows the live status, then the
  Workflow's result once it completes;
* a click schedules one coroutine on the kernel's loop and returns at once
  (the path ``ChatBox`` takes), so it never blocks the kernel or the
  in-kernel Worker, and needs no cell to run;
* the decision is the Update, so the panel shows the outcome (or the
  validator's reason for refusing) as soon as the Workflow answers.

No ``nest_asyncio`` and no loop patching: ipykernel already runs an asyncio
loop, and tasks created on it keep running while the kernel is idle.
Everything that can go wrong (unknown or finished Workflow, a stopped
server, a refused decision, a model call that keeps failing) ends as a line
in the panel, never a traceback.
"""

from __future__ import annotations

import asyncio
import html
import uuid
from collections.abc import Callable
from typing import Any, Protocol

import ipywidgets as widgets
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.service import RPCError, RPCStatusCode

from shared._core.activities import from_pending
from shared._core.errors import CookbookError
from shared._core.models import model_wait_s
from shared._core.updates import execute_update_or_explain
from shared._core.waiting import wait_until
from shared._views.display import widget_bundle

ANSWER_TIMEOUT_S = 3.0
"""How long one Query or describe call may take before the panel says the server is not answering."""

DECISION_TIMEOUT_S = 30.0
"""How long the decision Update may take (it waits for a Worker to run the handler)."""

DONE = "done"


class ApprovalView(Protocol):
    """What the ``state`` Query returns: everything the panel shows.

    The run waits for a decision while it has a ``plan`` and no ``decision``.
    """

    status: str
    plan: str
    escalated: bool
    decision: str | None
    """``"approved"`` or ``"rejected"`` once decided, else ``None``."""
    comment: str


def render_plan(text: str) -> str:
    """The plan as HTML: Markdown rendered with any raw HTML escaped."""
    try:
        import mistune

        return str(mistune.create_markdown(escape=True)(text))
    except ImportError:  # mistune comes with nbconvert; plain text is a fine fallback
        return f"<pre>{html.escape(text)}</pre>"


class ApprovalPanel:
    """Approve or reject the plan of one Workflow run, from buttons or from code.

    ``decide`` is the Workflow's Update (``MyWorkflow.decide``), ``state`` its
    Query (``MyWorkflow.state``, returning an ``ApprovalView``), and
    ``decision`` builds the Update's argument from ``approved``, ``comment``
    and ``reviewer`` keywords (a dataclass with those fields will do).

    Create it in a notebook cell (it needs the kernel's running event loop)
    and display it. ``approve(comment)`` and ``reject(comment)`` take the same
    path as the buttons; ``wait_decision()`` and ``wait_result()`` await the
    outcome of the decision and of the Workflow.
    """

    def __init__(
        self,
        handle: WorkflowHandle,
        *,
        decide: Callable[..., Any],
        state: Callable[..., Any],
        decision: Callable[..., Any],
        reviewer: str = "notebook",
        poll_interval: float = 0.5,
    ) -> None:
        try:
            self._loop = asyncio.get_running_loop()
        except RuntimeError:
            raise CookbookError(
                "Create the ApprovalPanel in a notebook cell or a coroutine (it needs asyncio)."
            ) from None
        self.handle = handle
        self._decide_update = decide
        self._state_query = state
        self._make_decision = decision
        self.reviewer = reviewer
        self.poll_interval = poll_interval
        self.status = "connecting"
        self.plan = ""
        self.message = ""
        self.result: str | None = None
        self.decision: str | None = None
        self.awaiting_decision = False
        self._retrying = False
        self._decision_task: asyncio.Future[str] | None = None
        self._finished: asyncio.Future[str | None] = self._loop.create_future()
        self._finished.add_done_callback(lambda f: f.cancelled() or f.exception())  # never "never retrieved"

        self.title = widgets.HTML(f"<b>Approval for Workflow <code>{html.escape(handle.id)}</code></b>")
        self.plan_view = widgets.HTML("<i>Waiting for the Planner agent's plan…</i>")
        self.comment_box = widgets.Textarea(
            placeholder="Comment (optional to approve, required to reject)",
            layout=widgets.Layout(width="100%", height="4em"),
        )
        self.approve_button = widgets.Button(description="Approve", button_style="success", disabled=True, icon="check")
        self.reject_button = widgets.Button(description="Reject", button_style="danger", disabled=True, icon="times")
        self.status_view = widgets.HTML()
        self.message_view = widgets.HTML()
        self.result_view = widgets.HTML()
        self.approve_button.on_click(lambda _button: self._clicked(approved=True))
        self.reject_button.on_click(lambda _button: self._clicked(approved=False))
        self.widget = widgets.VBox(
            [
                self.title,
                self.plan_view,
                self.comment_box,
                widgets.HBox([self.approve_button, self.reject_button]),
                self.status_view,
                self.message_view,
                self.result_view,
            ],
            layout=widgets.Layout(border="1px solid #ccc", padding="8px", width="640px"),
        )
        self.widget.add_class("approval-panel")
        self._show_status()
        self._watcher = self._loop.create_task(self._watch(), name=f"approval-panel-{handle.id}")

    # --- deciding: buttons and code share one path -------------------------------------------------

    async def approve(self, comment: str = "") -> str:
        """Approve the plan, as the Approve button does; return the message the panel shows."""
        return await self._await_decision(self._submit(True, comment))

    async def reject(self, comment: str = "") -> str:
        """Reject the plan, as the Reject button does; return the message the panel shows."""
        return await self._await_decision(self._submit(False, comment))

    async def wait_ready(self, timeout: float | None = None) -> str:
        """Wait until the plan is on screen and the run waits for a decision (or has ended); return the status.

        By default the wait allows the planner's model call (``model_wait_s``).
        """
        ready = lambda: self.awaiting_decision or self._finished.done()  # noqa: E731
        await wait_until(ready, model_wait_s() if timeout is None else timeout, "the plan to decide on")
        return self.status

    async def wait_decision(self, timeout: float = DECISION_TIMEOUT_S) -> str:
        """Wait for the decision sent by a click; return the message the panel shows."""
        if self._decision_task is None:
            raise CookbookError("No decision has been sent yet: click Approve or Reject, or call approve()/reject().")
        return await asyncio.wait_for(self._await_decision(self._decision_task), timeout)

    async def wait_result(self, timeout: float | None = None) -> str | None:
        """Wait until the Workflow completes; return its result (None if it did not complete).

        By default the wait allows the executor's two model calls (``model_wait_s``).
        """
        return await asyncio.wait_for(asyncio.shield(self._finished), model_wait_s(2) if timeout is None else timeout)

    def _clicked(self, approved: bool) -> None:
        """A button's click handler: schedule the decision and return at once."""
        self._submit(approved, self.comment_box.value)

    def _submit(self, approved: bool, comment: str) -> asyncio.Future[str] | None:
        """Send at most one decision at a time; a second click while one is pending gets the first one.

        ipykernel runs a click's handler on its own event loop, so scheduling
        the Update there with ``ensure_future`` and returning is all a click
        needs (the same path as ``ChatBox``).
        """
        if self._deciding():
            return self._decision_task
        if self.decision is not None:  # decided already: the click changes nothing
            return self._decision_task
        self._set_buttons(False)
        self._decision_task = asyncio.ensure_future(self._decide(approved, comment))
        return self._decision_task

    async def _await_decision(self, task: asyncio.Future[str] | None) -> str:
        if task is None:
            return self.message
        return await asyncio.shield(task)

    async def _decide(self, approved: bool, comment: str) -> str:
        """Send the ``decide`` Update and put its outcome, or the reason it failed, in the panel."""
        verb = "approval" if approved else "rejection"
        self._say(f"Sending your {verb}…", "info")
        decision = self._make_decision(approved=approved, comment=comment, reviewer=self.reviewer)
        try:
            # A quick look first: a finished run or a stopped server is reported in seconds, not 30.
            description = await asyncio.wait_for(self.handle.describe(), ANSWER_TIMEOUT_S)
            if description.status != WorkflowExecutionStatus.RUNNING:
                self._say("This Workflow has already finished. No decision was sent.", "error")
                return self.message
            update_id = f"panel-{uuid.uuid4().hex[:12]}"
            outcome = await asyncio.wait_for(
                execute_update_or_explain(
                    self.handle, self._decide_update, decision, update_id=update_id, timeout=None
                ),
                DECISION_TIMEOUT_S,
            )
        except CookbookError as err:  # a Workflow Task that keeps failing: its cause
            self._say(f"No decision was recorded: {err}", "error")
            self._refresh_buttons()
            return self.message
        except WorkflowUpdateFailedError as err:
            reason = getattr(err.cause, "message", None) or str(err.cause or err)
            self._say(f"Refused: {reason}", "error")
            self._refresh_buttons()
            return self.message
        except (RPCError, TimeoutError, OSError) as err:
            self._say(self._explain(err, action="No decision was recorded"), "error")
            self._refresh_buttons()
            return self.message
        except Exception as err:  # the panel reports, it never raises into the kernel
            self._say(f"Could not send the decision: {type(err).__name__}: {err}", "error")
            self._refresh_buttons()
            return self.message
        self.decision = "approved" if approved else "rejected"
        echo = f' (Comment sent: "{comment.strip()}")' if comment.strip() else ""
        self._say(f"{outcome}{echo}", "ok")
        self._set_buttons(False)
        return self.message

    # --- watching: live status from the Query, the result at the end ------------------------------

    async def _watch(self) -> None:
        """Poll the Workflow until it completes; explain every problem in the panel and keep going."""
        server_down = False
        while True:
            try:
                description = await asyncio.wait_for(self.handle.describe(), ANSWER_TIMEOUT_S)
                if server_down:
                    server_down = False
                    self._say("The Temporal server answers again.", "info")
                if description.status != WorkflowExecutionStatus.RUNNING:
                    await self._show_finished(description.status)
                    return
                try:
                    state = await asyncio.wait_for(self.handle.query(self._state_query), ANSWER_TIMEOUT_S)
                except TimeoutError:
                    self.status = "no answer"
                    self._say("The Workflow does not answer the status Query: is a Worker running?", "warn")
                    self._set_buttons(False)
                else:
                    self._show_state(state)
                    self._show_retries(description)
            except RPCError as err:
                if err.status == RPCStatusCode.NOT_FOUND:
                    self.status = "unknown workflow"
                    self._say(self._explain(err), "error")
                    self._set_buttons(False)
                    self._finish(None)
                    return
                server_down = True
                self._server_gone(err)
            except (TimeoutError, OSError) as err:
                server_down = True
                self._server_gone(err)
            except Exception as err:  # keep the panel alive and say what happened
                self._say(f"Status check failed: {type(err).__name__}: {err}", "error")
            await asyncio.sleep(self.poll_interval * (4 if server_down else 1))

    def _server_gone(self, err: BaseException) -> None:
        self.status = "server not answering"
        self._set_buttons(False)
        self._say(self._explain(err), "error")
        self._show_status()

    def _show_state(self, state: ApprovalView) -> None:
        if state.plan and state.plan != self.plan:
            self.plan = state.plan
            self.plan_view.value = render_plan(state.plan)
        self.awaiting_decision = bool(state.plan) and state.decision is None
        self.status = state.status + (" (escalated)" if state.escalated and self.awaiting_decision else "")
        if state.decision is not None and self.decision is None and not self._deciding():
            self.decision = state.decision
            reason = f" ({state.comment})" if state.comment else ""
            self._say(f"Decided elsewhere: {state.decision}{reason}.", "info")
        self._show_status()
        self._refresh_buttons()

    def _show_retries(self, description: Any) -> None:
        """A model call or tool that keeps failing: say which, on which attempt, and why, in one line."""
        failing = [from_pending(p) for p in description.raw_description.pending_activities]
        failing = [a for a in failing if a.last_failure]
        if failing:
            line = failing[0].line()
            self._say(line[0].upper() + line[1:], "warn")
        elif self._retrying:  # the retry succeeded: drop the line
            self._say("", "info")
        self._retrying = bool(failing)

    async def _show_finished(self, status: WorkflowExecutionStatus) -> None:
        self.status = DONE
        self.awaiting_decision = False
        self._set_buttons(False)
        if self.decision is None:  # decided between two polls, or before the panel was made: ask once more
            try:
                state = await asyncio.wait_for(self.handle.query(self._state_query), ANSWER_TIMEOUT_S)
                self.decision = state.decision
            except Exception:  # no Worker to answer: the panel shows the result without the decision
                pass
        try:
            result = await asyncio.wait_for(self.handle.result(), ANSWER_TIMEOUT_S)
        except WorkflowFailureError as err:
            self.result = None
            reason: BaseException = err
            while getattr(reason, "cause", None) is not None:  # "Activity task failed" wraps the real reason
                reason = reason.cause  # type: ignore[attr-defined]
            self.result_view.value = f"<b>The Workflow ended without a result:</b> {html.escape(str(reason))}"
        else:
            self.result = str(result)
            self.result_view.value = f"<b>Result:</b><br>{render_plan(self.result)}"
        if self._decision_task is None and not self.message:
            self._say("This Workflow has already finished; there is nothing left to decide.", "info")
        self._show_status()
        self._finish(self.result)

    def _finish(self, result: str | None) -> None:
        if not self._finished.done():
            self._finished.set_result(result)

    # --- small helpers ----------------------------------------------------------------------------

    def _explain(self, err: BaseException, action: str = "") -> str:
        """One clear sentence for a failed call, by what went wrong."""
        tail = f" {action}." if action else ""
        text = str(err)
        if isinstance(err, RPCError) and err.status == RPCStatusCode.NOT_FOUND:
            if "already completed" in text:
                return f"This Workflow has already finished.{tail}"
            return f"No Workflow with id {self.handle.id!r} on this server.{tail}"
        target = self.handle._client.service_client.config.target_host
        return (
            f"The Temporal server at {target} is not answering; it may have stopped.{tail} "
            "The panel keeps checking and comes back when the server does."
        )

    def _deciding(self) -> bool:
        """Whether this panel's own decision is on its way."""
        return self._decision_task is not None and not self._decision_task.done()

    def _refresh_buttons(self) -> None:
        self._set_buttons(self.awaiting_decision and self.decision is None and not self._deciding())

    def _set_buttons(self, enabled: bool) -> None:
        self.approve_button.disabled = not enabled
        self.reject_button.disabled = not enabled
        self.comment_box.disabled = not enabled

    def _show_status(self) -> None:
        self.status_view.value = f"<b>Status:</b> <span class='approval-status'>{html.escape(self.status)}</span>"

    def _say(self, text: str, level: str) -> None:
        self.message = text
        colour = {"ok": "#137333", "error": "#b3261e", "warn": "#8a5a00"}.get(level, "#444")
        self.message_view.value = f"<span class='approval-message' style='color:{colour}'>{html.escape(text)}</span>"

    def text(self) -> str:
        """What the panel shows right now, as plain text (for checked notebook outputs and tests)."""
        lines = [f"Workflow {self.handle.id}: {self.status}"]
        if self.decision:
            lines.append(f"Decision: {self.decision}")
        if self.message:
            lines.append(f"Message: {self.message}")
        if self.result is not None:
            lines.append(f"Result: {self.result}")
        return "\n".join(lines)

    async def close(self) -> None:
        """Stop watching the Workflow (the panel stays on screen, frozen)."""
        self._watcher.cancel()
        await asyncio.gather(self._watcher, return_exceptions=True)
        self._set_buttons(False)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        return widget_bundle(self.widget, f"ApprovalPanel for Workflow {self.handle.id!r}", **kwargs)

    def __repr__(self) -> str:
        return f"<ApprovalPanel for Workflow {self.handle.id!r}: {self.status}>"
