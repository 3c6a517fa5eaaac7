"""One exception type for every mistake a learner can make with the cookbook's helpers."""

from __future__ import annotations


class CookbookError(RuntimeError):
    """A problem the learner can fix, reported as one clear line.

    IPython calls ``_render_traceback_`` when it exists, so in a notebook the
    learner sees only the message, not a page of asyncio frames. Plain Python
    (pytest, scripts) still shows the usual traceback.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]
