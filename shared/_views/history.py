"""Turn a Workflow's Event History into a small table that proves what ran, where and how often."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any

from temporalio.api.common.v1 import Payload, Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.api.failure.v1 import Failure
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHandle, WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.service import RPCError, RPCStatusCode

from shared._core.activities import (
    MCP_ACTIVITY_PREFIX,
    MODEL_ACTIVITIES,
    RunningActivity,
    failure_text,
    running_activities,
)
from shared._core.errors import CookbookError
from shared._core.models import model_wait_s
from shared._core.waiting import wait_until
from shared._views.payloads import decode_events

STREAM_TRAFFIC_PREFIX = "__temporal_workflow_stream"
"""Workflow Streams' own Signals (publishes) and Updates (polls): plumbing, left out of the table."""
RESULT_WIDTH = 60
FAILURE_WIDTH = 120
"""A row that explains a failure may be longer: the cause is the point of it."""

_TOOL_ERROR_PREFIX = re.compile(r"^Error executing tool \w+: ")


@dataclass
class Step:
    """One row: something the Workflow did, and what came of it."""

    step: int
    kind: str
    name: str
    attempt: int | None
    worker: str
    result: str
    activity_id: str = ""
    """For an Activity row: its id, which links the row to ``describe()``'s pending Activities."""
    full_result: str = ""
    """The result before it was cut to fit the table ("" when ``result`` is whole); ``HistoryTable.full`` shows it."""

    def show(self, text: Any, width: int = RESULT_WIDTH) -> None:
        """Set the result, cut to ``width`` for the table, keeping the whole text for ``HistoryTable.full``."""
        whole = " ".join(str(text).split())
        self.result = _short(whole, width)
        self.full_result = whole if self.result != whole else ""


PENDING_RESULTS = ("scheduled", "running")


@dataclass
class HistoryTable:
    """A list of steps that shows as an HTML table in JupyterLab and as text elsewhere."""

    steps: list[Step]

    COLUMNS = ("step", "kind", "name", "attempt", "worker", "result")

    def rows(self) -> list[tuple[str, ...]]:
        """Every step as a tuple of display strings."""
        return [
            (str(s.step), s.kind, s.name, "" if s.attempt is None else str(s.attempt), s.worker, s.result)
            for s in self.steps
        ]

    def show_pending(self, pending: list[RunningActivity]) -> None:
        """Fill the rows of unfinished Activities with their attempt, worker and last failure."""
        by_id = {step.activity_id: step for step in self.steps if step.activity_id}
        for activity in pending:
            step = by_id.get(activity.activity_id)
            if step is None:
                continue
            step.attempt, step.worker = activity.attempt, activity.worker or step.worker
            step.result = "running" if activity.started else "scheduled"
            if activity.last_failure:
                last = f"attempt {activity.attempt - 1} failed: {activity.last_failure}"
                step.show(f"{step.result}; {last}", FAILURE_WIDTH)

    def full(self, step: int) -> str:
        """Row ``step``'s whole result: the table cuts long ones (the row marks the cut with "…")."""
        if not 1 <= step <= len(self.steps):
            raise CookbookError(f"This table has steps 1 to {len(self.steps)}; there is no step {step}.")
        row = self.steps[step - 1]
        return row.full_result or row.result

    def count(self, kind: str, name: str | None = None) -> int:
        """How many steps have this kind (and name)."""
        return sum(1 for s in self.steps if s.kind == kind and (name is None or s.name == name))

    def __repr__(self) -> str:
        table = [self.COLUMNS, *self.rows()]
        widths = [max(len(row[i]) for row in table) for i in range(len(self.COLUMNS))]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in table]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{c}</th>" for c in self.COLUMNS)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in self.rows()
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


async def history_table(handle: WorkflowHandle) -> HistoryTable:
    """Read the Workflow's Event History and list its model calls, tool calls, Signals, Updates and Timers.

    A failed Workflow Task and the Workflow's own failure get a row each.
    Long results are cut to fit; ``table.full(step)`` shows one whole.

    An Activity that has not finished shows its current attempt and, if an
    earlier attempt failed, why: the Event History records retries only when
    the Activity closes, so those come from ``describe()``.
    """
    history = await fetch_history(handle)
    # The handle's own client decodes the payloads, with the converter the plugin set
    # (WorkflowHandle has no public accessor for it), its codec and its claim check.
    converter = handle._client.data_converter
    table = steps_from_events(await decode_events(history.events, converter), converter)
    if any(step.activity_id for step in table.steps if step.result in PENDING_RESULTS):
        table.show_pending(await running_activities(handle, started=False))
    return table


async def fetch_history(handle: WorkflowHandle) -> WorkflowHistory:
    """The Workflow's Event History; a Workflow id the server does not know is one line that says so."""
    try:
        return await handle.fetch_history()
    except RPCError as err:
        if err.status != RPCStatusCode.NOT_FOUND:
            raise
    raise CookbookError(
        f"No Workflow with id {handle.id!r} in Namespace {handle._client.namespace!r}: check the id, "
        "and that this client talks to the server that ran it (an in-memory dev server forgets on restart)."
    )


@dataclass(frozen=True)
class WorkflowTaskFailure:
    """Why a Workflow Task failed: the error type and Temporal's message."""

    type: str
    message: str


async def first_workflow_task_failure(handle: WorkflowHandle, timeout: float | None = None) -> WorkflowTaskFailure:
    """Wait for the Workflow's first failed Workflow Task and say why it failed.

    A failed Workflow Task does not fail the Workflow: Temporal retries it until
    the code is fixed, so from outside such a run just looks stuck. The Event
    History says why. By default the wait allows one model call of the model in
    use (``model_wait_s``).
    """

    async def failed_task() -> WorkflowTaskFailure | None:
        async for event in handle.fetch_history_events():
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
                failure = event.workflow_task_failed_event_attributes.failure
                return WorkflowTaskFailure(failure.application_failure_info.type, failure.message)
        return None

    wait = model_wait_s() if timeout is None else timeout
    return await wait_until(failed_task, wait, f"a failed Workflow Task in Workflow {handle.id}", interval=0.1)


def steps_from_events(events: list[HistoryEvent], converter: DataConverter) -> HistoryTable:
    """Build the table from raw events.

    One row per Activity, Signal, Update or Timer, and one for each failed
    Workflow Task and for the Workflow's own failure, so a run that failed
    outside its Activities still says why.
    """
    steps: list[Step] = []
    by_event_id: dict[int, Step] = {}
    by_update_id: dict[str, Step] = {}
    workflow_type = "workflow"

    def add(event_id: int, kind: str, name: str, worker: str = "", result: str = "", activity_id: str = "") -> Step:
        step = Step(len(steps) + 1, kind, name, None, worker, result, activity_id)
        steps.append(step)
        by_event_id[event_id] = step
        return step

    for event in events:
        et = event.event_type
        if et == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            scheduled = event.activity_task_scheduled_event_attributes
            activity_type, activity_id = scheduled.activity_type.name, scheduled.activity_id
            if activity_type in MODEL_ACTIVITIES:
                summary = _decode(event.user_metadata.summary, converter) if event.HasField("user_metadata") else None
                add(event.event_id, "model call", str(summary or "model"), result="running", activity_id=activity_id)
            elif activity_type.startswith(MCP_ACTIVITY_PREFIX):
                request = _decode_all(scheduled.input, converter)
                add(event.event_id, *_mcp_step(activity_type, request), result="running", activity_id=activity_id)
            else:
                add(event.event_id, "tool", activity_type, result="running", activity_id=activity_id)
        elif et == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            attrs = event.activity_task_started_event_attributes
            step = by_event_id[attrs.scheduled_event_id]
            step.attempt, step.worker = attrs.attempt, attrs.identity
        elif et == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            attrs = event.activity_task_completed_event_attributes
            step = by_event_id[attrs.scheduled_event_id]
            value = _decode_all(attrs.result, converter)
            if step.kind == "model call":
                step.show(_summarise_model(value))
            elif step.kind.startswith("mcp"):
                step.show(_summarise_mcp(value))
            else:
                step.show(value)
        elif et == EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
            attrs = event.activity_task_failed_event_attributes
            by_event_id[attrs.scheduled_event_id].show(_failed("failed", attrs.failure), FAILURE_WIDTH)
        elif et == EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
            attrs = event.activity_task_timed_out_event_attributes
            by_event_id[attrs.scheduled_event_id].show(_failed("timed out", attrs.failure), FAILURE_WIDTH)
        elif et == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            attrs = event.workflow_execution_signaled_event_attributes
            if attrs.signal_name.startswith(STREAM_TRAFFIC_PREFIX):
                continue
            add(event.event_id, "signal", attrs.signal_name, attrs.identity).show(_decode_all(attrs.input, converter))
        elif et == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
            request = event.workflow_execution_update_accepted_event_attributes.accepted_request
            if request.input.name.startswith(STREAM_TRAFFIC_PREFIX):
                continue
            step = add(event.event_id, "update", request.input.name, request.meta.identity)
            by_update_id[request.meta.update_id] = step
            step.show(_decode_all(request.input.args, converter))
        elif et == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
            attrs = event.workflow_execution_update_completed_event_attributes
            step = by_update_id.get(attrs.meta.update_id)
            if step is not None:
                outcome = attrs.outcome
                value = (
                    _decode_all(outcome.success, converter)
                    if outcome.HasField("success")
                    else f"failed: {outcome.failure.message}"
                )
                step.show(f"{step.full_result or step.result} -> {value}")
        elif et == EventType.EVENT_TYPE_TIMER_STARTED:
            attrs = event.timer_started_event_attributes
            seconds = attrs.start_to_fire_timeout.ToTimedelta().total_seconds()
            add(event.event_id, "timer", _duration(seconds), result="waiting")
        elif et == EventType.EVENT_TYPE_TIMER_FIRED:
            by_event_id[event.timer_fired_event_attributes.started_event_id].result = "fired"
        elif et == EventType.EVENT_TYPE_TIMER_CANCELED:
            by_event_id[event.timer_canceled_event_attributes.started_event_id].result = "cancelled"
        elif et == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:  # retried, but recorded once: the cause is here
            attrs = event.workflow_task_failed_event_attributes
            name = attrs.failure.application_failure_info.type or "Workflow Task"
            add(event.event_id, "workflow task", name, attrs.identity).show(
                _failed("failed", attrs.failure), FAILURE_WIDTH
            )
        elif et == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED:
            failure = event.workflow_execution_failed_event_attributes.failure
            add(event.event_id, "workflow", workflow_type).show(_failed("failed", failure), FAILURE_WIDTH)
        elif et == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
            workflow_type = event.workflow_execution_started_event_attributes.workflow_type.name
    return HistoryTable(steps)


def _decode(payload: Payload, converter: DataConverter) -> Any:
    if not payload.data and not payload.metadata:
        return None
    return converter.payload_converter.from_payloads([payload])[0]


def _decode_all(payloads: Payloads, converter: DataConverter) -> Any:
    values = converter.payload_converter.from_payloads(list(payloads.payloads)) if payloads.payloads else []
    return values[0] if len(values) == 1 else values


def _mcp_step(activity_type: str, request: Any) -> tuple[str, str]:
    """Kind and name of an MCP operation's row: the server's tool list, or the tool call with its arguments."""
    server, _, operation = activity_type.removeprefix(MCP_ACTIVITY_PREFIX).rpartition(".")
    if operation == "call-tool" and isinstance(request, dict):
        shown = ", ".join(f"{k}={v!r}" for k, v in (request.get("arguments") or {}).items())
        return "mcp call", f"{request.get('name')}({shown})"
    return f"mcp {operation.split('-')[0]}", server


def _summarise_mcp(result: Any) -> str:
    """What an MCP operation returned: the tool names, or the tool's text (an error flagged as one)."""
    if not isinstance(result, dict):
        return str(result)
    if "tools" in result:
        return f"{len(result['tools'])} tools: " + ", ".join(t.get("name", "?") for t in result["tools"])
    text = " ".join(c.get("text", "") for c in result.get("content", []) if isinstance(c, dict))
    if result.get("is_error"):
        return "error: " + _TOOL_ERROR_PREFIX.sub("", text)
    return text


def _summarise_model(response: Any) -> str:
    """What a model call decided: the tool it called, the handoff, or its answer."""
    if isinstance(response, list):  # a streamed call returns its events; the last one holds the response
        completed = [e for e in response if isinstance(e, dict) and e.get("type") == "response.completed"]
        response = completed[-1]["response"] if completed else response
    if not isinstance(response, dict):
        return str(response)
    parts = []
    for item in response.get("output", []):
        if item.get("type") == "function_call":
            args = json.loads(item.get("arguments") or "{}")
            shown = ", ".join(f"{k}={v!r}" for k, v in args.items())
            parts.append(f"call {item.get('name')}({shown})")
        elif item.get("type") == "message":
            parts.append(" ".join(c.get("text", "") for c in item.get("content", [])))
    return "; ".join(parts)


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size and seconds % size == 0:
            return f"sleep {int(seconds // size)} {unit}"
    return f"sleep {seconds:g} s"


def _failed(how: str, failure: Failure) -> str:
    return f"{how}: {failure_text(failure)}"


def _short(value: Any, width: int = RESULT_WIDTH) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"
