"""The timeline stacks Activities that ran at the same time on one worker into lanes, and says how many at most."""

from __future__ import annotations

from shared._views.timeline import Bar, Timeline, TimelinePicture


def bar(name: str, started: float, closed: float, worker: str = "w@1") -> Bar:
    return Bar(name, "tool", scheduled=started, started=started, closed=closed, worker=worker, outcome="completed")


def test_overlapping_activities_get_lanes_of_their_own() -> None:
    bars = [bar("a", 0, 2), bar("b", 0.1, 1), bar("c", 1, 3), bar("d", 2.5, 3, worker="w@2")]
    timeline = Timeline(bars, ["w@1", "w@2"], {"w@1": (0, 3), "w@2": (2.5, 3)}, 3)
    lane_of, lane_count = timeline.lanes()
    assert lane_of == {0: 0, 1: 1, 2: 1, 3: 0}  # c reuses b's lane once b has closed
    assert lane_count == {"w@1": 2, "w@2": 1}
    assert timeline.most_at_once() == 2
    assert "up to 2 at once" in repr(TimelinePicture(timeline, timeline.figure()))


def test_activities_one_after_another_stay_in_one_lane_and_the_summary_does_not_mention_overlap() -> None:
    bars = [bar("a", 0, 1), bar("b", 1, 2), bar("c", 2, 3)]
    timeline = Timeline(bars, ["w@1"], {"w@1": (0, 3)}, 3)
    assert timeline.lanes() == ({0: 0, 1: 0, 2: 0}, {"w@1": 1})
    assert repr(TimelinePicture(timeline, timeline.figure())) == (
        "<Timeline: 3 Activities on 1 worker(s), 0 retried, crash gaps: none>"
    )


def test_a_retried_activity_in_a_lane_still_shows_its_earlier_attempts() -> None:
    retried = Bar("b", "tool", scheduled=0.0, started=0.5, closed=1.5, attempt=2, worker="w@1", outcome="completed")
    timeline = Timeline([bar("a", 0, 2), retried], ["w@1"], {"w@1": (0, 2)}, 2)
    texts = [t.get_text() for t in timeline.figure().axes[0].texts]
    assert " b (attempt 2)" in texts and "b" in texts  # its lane's label, and the span lost to earlier attempts
    assert timeline.most_at_once() == 2
