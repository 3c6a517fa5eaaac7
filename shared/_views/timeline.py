"""Draw a Workflow run as a timeline: which worker ran which Activity, when, and on which attempt.

Everything comes from the Event History, not from timestamps a notebook kept:

* each Activity is a bar on the row of the worker that ran its last attempt,
  from when that attempt started to when it closed;
* an Activity that needed more than one attempt also gets a hatched bar, from
  when it was first scheduled to when its last attempt started: the time lost
  to failed, timed-out or crashed attempts (the history keeps only the last
  attempt's start, so earlier attempts show as this one span);
* when one worker's last event is followed, after a pause, by another worker's
  first, the pause is shaded as a crash gap, in two parts: Temporal noticing
  the crash, then the new worker starting. Temporal gives up on a dead
  worker's attempt one heartbeat timeout after its last heartbeat (or, with no
  heartbeat timeout, at its start-to-close timeout); the worker heartbeats
  until it dies, so the first part is drawn as that timeout from the old
  worker's last event. It is an estimate: heartbeats are not events;
* Activities that run at the same time on one worker (parallel tool calls,
  agents fanned out with ``asyncio.gather``) are stacked in lanes of that
  worker's row, so the overlap shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from temporalio.api.enums.v1 import EventType, TimeoutType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHandle

from shared._core.activities import MODEL_ACTIVITIES
from shared._views.display import figure_png

LOST_ROW = "earlier attempts"
MIN_GAP_S = 0.5
SHORT = 0.04
"""A bar shorter than this share of the run gets its label stacked beside it, not on it."""
LEADER = {"arrowstyle": "-", "linewidth": 0.5, "color": "grey"}


@dataclass
class Bar:
    """One Activity on the timeline, in seconds since the Workflow started."""

    name: str
    kind: str
    scheduled: float
    started: float | None = None
    closed: float | None = None
    attempt: int = 1
    worker: str = ""
    outcome: str = "running"
    last_failure: str = ""
    timed_out_after: float | None = None
    """For a later attempt: the timeout that ended the attempt before it (heartbeat or start-to-close), in s."""


@dataclass
class Timeline:
    """The bars of a run, and the times each worker was last and first seen."""

    bars: list[Bar]
    workers: list[str]
    seen: dict[str, tuple[float, float]]
    end: float

    def crash_gaps(self) -> list[tuple[str, str, float, float]]:
        """(old worker, new worker, from, to) wherever work moved to another worker after a pause."""
        gaps = []
        for old, new in zip(self.workers, self.workers[1:], strict=False):
            start, end = self.seen[old][1], self.seen[new][0]
            if end - start >= MIN_GAP_S:
                gaps.append((old, new, start, end))
        return gaps

    def lanes(self) -> tuple[dict[int, int], dict[str, int]]:
        """Stack overlapping bars: each started bar's lane (by index in ``bars``), and each worker's lane count."""
        lane_of: dict[int, int] = {}
        lane_count: dict[str, int] = {}
        for worker in self.workers:
            lane_ends: list[float] = []  # when the last bar in each lane ends
            mine = [i for i, b in enumerate(self.bars) if b.worker == worker and b.started is not None]
            for i in sorted(mine, key=lambda i: self.bars[i].started or 0.0):
                bar = self.bars[i]
                free = next((lane for lane, end in enumerate(lane_ends) if end <= (bar.started or 0.0)), None)
                if free is None:
                    free = len(lane_ends)
                    lane_ends.append(0.0)
                lane_ends[free] = bar.closed if bar.closed is not None else self.end
                lane_of[i] = free
            lane_count[worker] = max(1, len(lane_ends))
        return lane_of, lane_count

    def noticed_at(self, old: str, new: str, start: float, end: float) -> float | None:
        """When, within a crash gap, Temporal gave up on the old worker: its last event plus the timeout that fired."""
        for bar in self.bars:
            moved = bar.worker == new and bar.attempt > 1 and bar.started is not None
            if moved and bar.timed_out_after is not None and bar.scheduled <= end <= bar.started:
                return min(start + bar.timed_out_after, end)
        return None

    def most_at_once(self) -> int:
        """The most Activities one worker ran at the same time."""
        return max(self.lanes()[1].values(), default=0)

    def figure(self, title: str = "") -> Figure:
        """A matplotlib figure of the run (displays itself as the last line of a cell)."""
        rows = [*self.workers] + ([LOST_ROW] if any(b.attempt > 1 for b in self.bars) else [])
        lane_of, lane_count = self.lanes()
        extra = sum(0.4 * (n - 1) for n in lane_count.values())
        fig = Figure(figsize=(10, 1.2 + 0.7 * len(rows) + extra))
        ax = fig.subplots()
        y = {row: i for i, row in enumerate(rows)}
        colours = {"model call": "tab:blue", "tool": "tab:orange"}
        short: list[tuple[Bar, float, str]] = []  # tool bars too short to carry their own label
        for index, bar in enumerate(self.bars):
            if bar.started is None:
                continue
            end = bar.closed if bar.closed is not None else self.end
            colour = "tab:red" if bar.outcome != "completed" else colours[bar.kind]
            lanes = lane_count[bar.worker]
            middle, height = y[bar.worker], 0.5
            if lanes > 1:  # one of several at once: a thinner bar in its own lane of the worker's row
                middle = y[bar.worker] - 0.4 + (lane_of[index] + 0.5) * 0.8 / lanes
                height = 0.72 / lanes
            ax.barh(middle, end - bar.started, left=bar.started, height=height, color=colour, edgecolor="black")
            label = bar.name if bar.kind == "tool" else ""
            if bar.attempt > 1:
                label += f" (attempt {bar.attempt})"
                ax.barh(
                    y[LOST_ROW], bar.started - bar.scheduled, left=bar.scheduled, height=0.5,
                    color="none", edgecolor="tab:red", hatch="//",
                )  # fmt: skip
                ax.text(bar.scheduled, y[LOST_ROW] + 0.32, bar.name, fontsize=7, color="tab:red")
            if lanes > 1 and label:  # labelled inside its lane
                ax.text(bar.started, middle, f" {label}", fontsize=7, va="center")
            elif label and end - bar.started < SHORT * self.end:
                short.append((bar, end, label))
            elif label:
                ax.text(bar.started, y[bar.worker] + 0.32, label, fontsize=7, rotation=20)
        self._label_short_bars(ax, y, short)
        for old, new, start, end in self.crash_gaps():
            noticed = self.noticed_at(old, new, start, end)
            top = len(rows) - 0.35
            if noticed is None:
                ax.axvspan(start, end, color="grey", alpha=0.2)
                ax.text((start + end) / 2, top, f"{old.split('@')[0]} gone", ha="center", fontsize=8)
                continue
            ax.axvspan(start, noticed, color="grey", alpha=0.35)
            ax.axvspan(noticed, end, color="grey", alpha=0.15)
            parts = ((start, noticed, "Temporal notices"), (noticed, end, f"{new.split('@')[0]} starts"))
            for left, right, what in parts:
                ax.text((left + right) / 2, top, f"{what}\n{right - left:.1f} s", ha="center", fontsize=7)
        ax.set_yticks(range(len(rows)), rows)
        ax.set_ylim(-0.6, len(rows) - 0.1)
        ax.set_xlim(0, self.end * 1.02 or 1)
        ax.set_xlabel("seconds since the Workflow started")
        ax.set_title(title or "Activities by worker (blue: model calls, orange: tools, red: failed)")
        fig.tight_layout()
        return fig

    def _label_short_bars(self, ax: Axes, y: dict[str, int], short: list[tuple[Bar, float, str]]) -> None:
        """Stack the labels of neighbouring short bars to their left, each with a line to its bar."""
        clusters: list[list[tuple[Bar, float, str]]] = []
        for bar, end, label in short:
            previous = clusters[-1][-1] if clusters else None
            if previous and previous[0].worker == bar.worker and bar.started - previous[1] < SHORT * self.end:
                clusters[-1].append((bar, end, label))
            else:
                clusters.append([(bar, end, label)])
        for cluster in clusters:
            left = cluster[0][0].started - 0.01 * self.end
            for k, (bar, end, label) in enumerate(cluster):
                row = y[bar.worker]
                ax.annotate(
                    label, xy=((bar.started + end) / 2, row + 0.25), xytext=(left, row + 0.38 + 0.17 * k),
                    fontsize=7, ha="right", va="center", arrowprops=LEADER,
                )  # fmt: skip


@dataclass
class TimelinePicture:
    """A drawn timeline: shows as a PNG in Jupyter, and as one line of what it shows elsewhere."""

    timeline: Timeline
    figure: Figure

    def _repr_png_(self) -> bytes:
        return figure_png(self.figure)

    def __repr__(self) -> str:
        gaps = self.timeline.crash_gaps()
        retried = sum(1 for b in self.timeline.bars if b.attempt > 1)
        handovers = ", ".join(f"{old.split('@')[0]} -> {new.split('@')[0]}" for old, new, _, _ in gaps) or "none"
        if any(self.timeline.noticed_at(*gap) is not None for gap in gaps):
            handovers += " (Temporal noticing the crash, then the new worker starting)"
        at_once = self.timeline.most_at_once()
        overlap = f", up to {at_once} at once" if at_once > 1 else ""
        return (
            f"<Timeline: {len(self.timeline.bars)} Activities on {len(self.timeline.workers)} worker(s){overlap}, "
            f"{retried} retried, crash gaps: {handovers}>"
        )


async def timeline(handle: WorkflowHandle, title: str = "") -> TimelinePicture:
    """Read the Workflow's Event History and draw it as a timeline (``.figure`` is the matplotlib Figure)."""
    history = await handle.fetch_history()
    data = timeline_from_events(history.events)
    return TimelinePicture(data, data.figure(title))


def timeline_from_events(events: list[HistoryEvent]) -> Timeline:
    """Build the timeline's data from raw events."""
    if not events:
        return Timeline([], [], {}, 0.0)
    origin = events[0].event_time.ToDatetime()

    def t(event: HistoryEvent) -> float:
        return _seconds(event.event_time.ToDatetime(), origin)

    bars: dict[int, Bar] = {}
    timeouts: dict[int, dict[int, float]] = {}  # scheduled event id -> {timeout type: seconds}
    workers: list[str] = []
    seen: dict[str, tuple[float, float]] = {}

    def saw(worker: str, when: float) -> None:
        if not worker:
            return
        if worker not in seen:
            workers.append(worker)
            seen[worker] = (when, when)
        first, last = seen[worker]
        seen[worker] = (min(first, when), max(last, when))

    for event in events:
        et = event.event_type
        if et == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            name = event.activity_task_scheduled_event_attributes.activity_type.name
            kind = "model call" if name in MODEL_ACTIVITIES else "tool"
            bars[event.event_id] = Bar(name, kind, t(event))
            attrs = event.activity_task_scheduled_event_attributes
            timeouts[event.event_id] = {
                TimeoutType.TIMEOUT_TYPE_HEARTBEAT: attrs.heartbeat_timeout.ToTimedelta().total_seconds(),
                TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE: attrs.start_to_close_timeout.ToTimedelta().total_seconds(),
            }
        elif et == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED:
            attrs = event.activity_task_started_event_attributes
            bar = bars[attrs.scheduled_event_id]
            bar.started, bar.attempt, bar.worker = t(event), attrs.attempt, attrs.identity
            bar.last_failure = attrs.last_failure.message
            if attrs.last_failure.HasField("timeout_failure_info"):
                fired = timeouts[attrs.scheduled_event_id].get(attrs.last_failure.timeout_failure_info.timeout_type)
                bar.timed_out_after = fired or None
            saw(attrs.identity, t(event))
        elif et in _CLOSED:
            attrs = getattr(event, _CLOSED[et])
            bar = bars[attrs.scheduled_event_id]
            bar.closed, bar.outcome = t(event), _CLOSED[et].split("_")[2]
            if bar.started is None:  # timed out before any attempt started: nothing ran
                continue
            saw(bar.worker, t(event))
        elif et == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
            saw(event.workflow_task_completed_event_attributes.identity, t(event))
    return Timeline(list(bars.values()), workers, seen, t(events[-1]))


_CLOSED = {
    EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: "activity_task_completed_event_attributes",
    EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: "activity_task_failed_event_attributes",
    EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT: "activity_task_timed_out_event_attributes",
}


def _seconds(when: datetime, origin: datetime) -> float:
    return (when - origin).total_seconds()
