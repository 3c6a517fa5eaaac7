"""One exception type for every mistake a learner can make with the cookbook's helpers."""

from __future__ import annotations

from typing import Any


class CookbookError(RuntimeError):
    """A problem the learner can fix, reported as one clear line.

    IPython calls ``_render_traceback_`` when it exists, so in a notebook the
    learner sees only the message, not a page of asyncio frames. Plain Python
    (pytest, scripts) still shows the usual traceback.
    """

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


def check_type(call: str, name: str, value: Any, types: type | tuple[type, ...], what: str) -> None:
    """Refuse an argument of the wrong type with one line: which call, which argument, what it takes.

    ``bool`` is not accepted where a number is asked for, nor an ``int`` where a
    ``bool`` is: ``quiet='yes'`` and ``quiet=1`` are both mistakes worth a line.
    """
    wrong_bool = isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,))
    if wrong_bool or not isinstance(value, types):
        raise CookbookError(f"{call}({name}=...) takes {what}, not {type(value).__name__} {value!r:.60}.")
