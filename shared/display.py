"""Show the code a notebook runs, straight from its module: one source, never a pasted copy."""

from __future__ import annotations

import inspect
from typing import Any

from IPython.display import Code


def show_source(obj: Any) -> Code:
    """Syntax-highlight the source of a module, class or function."""
    return Code(inspect.getsource(obj), language="python")
