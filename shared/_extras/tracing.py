"""OpenTelemetry traces of agent runs, kept in this process and drawn as a waterfall.

``setup(tracing=True)`` calls ``start_tracing()`` and turns on the OpenAI
Agents integration's OpenTelemetry support
(``OpenAIAgentsPlugin(use_otel_instrumentation=True)``): every agent run,
model call and tool call becomes a span, and Temporal's interceptors carry
the trace from the client into the Workflow and from the Workflow into each
Activity, even on another Worker.

Replay safety comes from Temporal's ``ReplaySafeTracerProvider``
(``temporalio.contrib.opentelemetry.create_tracer_provider``): span ids come
from the Workflow's deterministic random source, and a span ended while the
Workflow replays history is not exported again, so a Worker that replays a
run (after a crash, a cache eviction or a deploy) adds no duplicate spans.

Spans go to an in-memory exporter, so a notebook can draw them. To send the
same spans to a real collector, add an exporter to ``start_tracing().provider``
(the README shows how).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import opentelemetry.trace
from agents import set_trace_provider, set_tracing_disabled, trace
from agents.tracing.provider import DefaultTraceProvider
from matplotlib import transforms
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client
from temporalio.contrib.opentelemetry import create_tracer_provider
from temporalio.openai_agents import OpenAIAgentsPlugin

from shared._core.errors import CookbookError
from shared._core.worker import running_workers
from shared._views.display import figure_png

KIND_ATTRIBUTE = "openinference.span.kind"
COLOURS = {"client": "tab:grey", "workflow": "tab:blue", "model": "tab:purple", "tool": "tab:orange"}


@dataclass
class Tracing:
    """The process's tracer provider and the in-memory exporter every span reaches."""

    provider: TracerProvider
    exporter: InMemorySpanExporter

    def spans(self) -> list[ReadableSpan]:
        """Every finished span exported so far, in the order they ended."""
        return list(self.exporter.get_finished_spans())

    def clear(self) -> None:
        """Forget the spans exported so far."""
        self.exporter.clear()


_tracing: Tracing | None = None


def start_tracing() -> Tracing:
    """Install Temporal's replay-safe tracer provider with an in-memory exporter (once per process).

    Call it (or ``setup(tracing=True)``) before starting the Workers it should
    trace. The Agents SDK's own trace export (to OpenAI's trace viewer) is
    replaced: its spans go to OpenTelemetry only.
    """
    global _tracing
    if _tracing is None:
        provider = create_tracer_provider()
        exporter = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        opentelemetry.trace.set_tracer_provider(provider)
        if opentelemetry.trace.get_tracer_provider() is not provider:
            raise CookbookError(
                "Another OpenTelemetry tracer provider is already installed in this process, and OpenTelemetry "
                "allows only one. Restart the kernel and call setup(tracing=True) before anything else sets one."
            )
        _tracing = Tracing(provider, exporter)
    if not running_workers():
        # A fresh Agents SDK trace provider, with no processor that exports to OpenAI (the integration adds
        # its OpenTelemetry one). Fresh, too, because a Worker that stops while another still runs restores
        # the provider it found, which can leave a stopped Worker's provider in place, where a new processor
        # would never be called.
        set_trace_provider(DefaultTraceProvider())
    os.environ["OPENAI_AGENTS_DISABLE_TRACING"] = "0"  # Workers read this when their trace provider starts
    set_tracing_disabled(False)
    return _tracing


@dataclass
class Row:
    """One span as a bar: where it sits in the tree and when it ran, in ms since the trace began."""

    name: str
    kind: str
    depth: int
    start_ms: float
    end_ms: float
    attributes: dict[str, object] = field(repr=False, default_factory=dict)


@dataclass
class Waterfall:
    """The spans of one trace, parents above their children: a PNG in Jupyter, a tree elsewhere."""

    rows: list[Row]

    def count(self, kind: str) -> int:
        """How many spans are of this kind (client, workflow, model or tool)."""
        return sum(1 for r in self.rows if r.kind == kind)

    def figure(self) -> Figure:
        """A matplotlib figure: one bar per span, indented names on the left, coloured by where it ran."""
        fig = Figure(figsize=(10, 1.0 + 0.3 * len(self.rows)))
        ax = fig.subplots()
        fig.subplots_adjust(left=0.36, right=0.97, top=0.93, bottom=0.1)
        end = max((r.end_ms for r in self.rows), default=1.0) or 1.0
        names = transforms.blended_transform_factory(fig.transFigure, ax.transData)
        for y, row in enumerate(self.rows):
            width = max(row.end_ms - row.start_ms, end / 400)  # a zero-length span still shows
            ax.barh(y, width, left=row.start_ms, height=0.6, color=COLOURS[row.kind])
            ax.text(row.start_ms + width + end / 200, y, f"{row.end_ms - row.start_ms:.0f} ms", va="center", fontsize=7)
            ax.text(0.01 + 0.012 * row.depth, y, row.name, transform=names, va="center", fontsize=8)
        ax.set_yticks([])
        ax.set_ylim(len(self.rows) - 0.5, -0.5)
        ax.set_xlim(0, end * 1.12)
        ax.set_xlabel("ms since the trace began")
        ax.legend(
            handles=[Patch(color=c, label=k) for k, c in COLOURS.items()],
            loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(COLOURS), fontsize=8, frameon=False,
        )  # fmt: skip
        return fig

    def _repr_png_(self) -> bytes:
        return figure_png(self.figure())

    def __repr__(self) -> str:
        lines = [f"<Waterfall: {len(self.rows)} spans>"]
        lines += [f"{'  ' * r.depth}{r.name} [{r.kind}]" for r in self.rows]
        return "\n".join(lines)


def waterfall(spans: Iterable[ReadableSpan]) -> Waterfall:
    """Lay out the spans of one trace as a tree, each child after its parent, siblings by start time."""
    spans = list(spans)
    if not spans:
        raise CookbookError("There are no spans to draw: run an agent with setup(tracing=True) first.")
    traces = {s.context.trace_id for s in spans}
    if len(traces) != 1:
        raise CookbookError(f"These spans belong to {len(traces)} traces; pass the spans of one trace.")
    ids = {s.context.span_id for s in spans}
    children: dict[int | None, list[ReadableSpan]] = {}
    for span in spans:
        parent = span.parent.span_id if span.parent and span.parent.span_id in ids else None
        children.setdefault(parent, []).append(span)
    origin = min(s.start_time or 0 for s in spans)
    started_by_client = any(s.name.startswith("temporal:startWorkflow") for s in spans)
    rows: list[Row] = []

    def visit(span: ReadableSpan, depth: int, inherited: str) -> None:
        kind = _kind(span, inherited)
        start, end = (span.start_time or origin) - origin, (span.end_time or origin) - origin
        rows.append(Row(span.name, kind, depth, start / 1e6, end / 1e6, dict(span.attributes or {})))
        for child in sorted(children.get(span.context.span_id, []), key=_order):
            visit(child, depth + 1, kind)

    for root in sorted(children.get(None, []), key=_order):
        visit(root, 0, "client" if started_by_client else "workflow")
    return Waterfall(rows)


def _order(span: ReadableSpan) -> tuple[int, str, str]:
    """Siblings by start time; spans that start together (one Workflow Task) by name, then input."""
    return (span.start_time or 0, span.name, str((span.attributes or {}).get("input.value", "")))


def _kind(span: ReadableSpan, inherited: str) -> str:
    """Where a span ran: the client, the Workflow, a model Activity, or a tool (and its Activity)."""
    if inherited in ("model", "tool"):
        return inherited
    if (span.attributes or {}).get(KIND_ATTRIBUTE) == "TOOL":
        return "tool"
    if span.name.startswith("temporal:startActivity"):
        return "model"  # an Activity the Workflow starts outside a tool span is a model call
    if span.name.startswith("temporal:executeWorkflow"):
        return "workflow"
    return inherited


@contextmanager
def trace_request(client: Client, name: str) -> Iterator[None]:
    """Open a trace on the client side, so a Workflow started inside it joins the same trace.

    Keep the block open until the result arrives: the trace ends when it exits.
    """
    plugins = [p for p in client.config()["plugins"] if isinstance(p, OpenAIAgentsPlugin)]
    if not plugins:
        raise CookbookError("This client has no OpenAI Agents plugin: connect it with setup(tracing=True).")
    with plugins[0].tracing_context(), trace(name):
        yield
