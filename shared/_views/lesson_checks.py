"""What a lesson needs the model to do, checked in the Event History, with one plain line either way.

No notebook can make a real model call a tool or hand off. So where a lesson
needs it, the notebook asks ``model_called`` or ``model_handed_off``: each
reads the run's history table, prints one line saying what the model did,
naming the model, and returns whether the lesson's step happened. The cells
after it show the run as it went instead of failing with a bare exception.
"""

from __future__ import annotations

from shared._core.models import select_model
from shared._views.history import HistoryTable

HANDOFF_PREFIX = "call transfer_to_"
"""How a model call that hands off shows in the history table's result column."""


def model_called(table: HistoryTable, tool: str, times: int = 1) -> bool:
    """Whether the model called ``tool`` at least ``times`` times; print one line saying what it did."""
    made = table.count("tool", tool)
    if made >= times:
        print(f"Checked in the Event History: the model called {tool} {_times(made)}.")
        return True
    print(
        f"Note: {select_model().name} called {tool} {_times(made)}, where this lesson needs {_times(times)}; "
        f"{what_the_model_did(table)}. The cells below show this run as it went."
    )
    return False


def model_handed_off(table: HistoryTable, agent: str) -> bool:
    """Whether a model call handed off to ``agent``; print one line saying what the model did."""
    tool = f"{HANDOFF_PREFIX}{agent.lower().replace(' ', '_')}("
    if any(s.kind == "model call" and s.result.startswith(tool) for s in table.steps):
        print(f"Checked in the Event History: the model handed off to the {agent}.")
        return True
    print(
        f"Note: {select_model().name} did not hand off to the {agent}; {what_the_model_did(table)}. "
        "The cells below show this run as it went."
    )
    return False


def what_the_model_did(table: HistoryTable) -> str:
    """The run's model calls and tool calls in a few words, ending with the model's last reply."""
    calls = [s for s in table.steps if s.kind == "model call"]
    tools = sorted({s.name for s in table.steps if s.kind == "tool"})
    used = f"called {', '.join(tools)}" if tools else "called no tool"
    last = f", and its last reply was {calls[-1].result!r}" if calls else ""
    return f"in {len(calls)} model call(s) it {used}{last}"


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"
