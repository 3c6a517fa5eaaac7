"""How the cookbook's objects show themselves: source code, pictures and widgets, each with a text form.

A picture or a widget in a notebook also needs a ``text/plain`` form: it is
what nbval compares and what a terminal prints. The helpers here give every
object the same two forms.
"""

from __future__ import annotations

import inspect
import io
from typing import TYPE_CHECKING, Any

from IPython.display import Code

if TYPE_CHECKING:
    from ipywidgets import Widget
    from matplotlib.figure import Figure


def show_source(obj: Any) -> Code:
    """Syntax-highlight the source of a module, class or function."""
    return Code(inspect.getsource(obj), language="python")


def figure_png(figure: Figure) -> bytes:
    """A matplotlib figure as PNG bytes: what an object's ``_repr_png_`` returns to show as a picture."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def widget_bundle(widget: Widget, text: str, **kwargs: Any) -> dict[str, Any]:
    """A widget's display bundle, with ``text`` as its ``text/plain``: what ``_repr_mimebundle_`` returns."""
    bundle = widget._repr_mimebundle_(**kwargs) or {}
    bundle["text/plain"] = text
    return bundle
