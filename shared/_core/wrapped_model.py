"""The base of the models that wrap another: each changes a call, and passes the rest through."""

from __future__ import annotations

from typing import Any

from agents import Model


class WrappedModel(Model):
    """A model around ``inner``: closing it and its retry advice are the inner model's."""

    def __init__(self, inner: Model) -> None:
        self._inner = inner

    async def close(self) -> None:
        """Close the inner model."""
        await self._inner.close()

    def get_retry_advice(self, request: Any) -> Any:
        """The inner model's retry advice."""
        return self._inner.get_retry_advice(request)
