"""Let Workers with the OpenAI Agents plugin stop in any order in one process.

While a Worker runs, the plugin installs two process-wide objects: the Agents
SDK's default runner (which turns ``Runner.run`` in a Workflow into Activities)
and a trace provider. When that Worker stops, the plugin puts back whatever
was there when it started. That is right only if Workers stop in the reverse
order they started. A notebook breaks the order easily: run the cell of an
earlier Worker again while a later one runs, and the later Worker's Workflows
find the plain runner and fail their Workflow Tasks with
``RestrictedWorkflowAccessError``.

``keep_newest_installed`` wraps the plugin's run context so that, whichever
Worker stops, the newest Worker still running keeps its runner and provider,
and the state from before the first Worker comes back when the last one stops.
The runner it keeps refuses plain ``def`` tools in a Workflow with one line
(``shared._core.sync_tools``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

from agents import set_trace_provider
from agents.run import get_default_agent_runner, set_default_agent_runner
from agents.tracing import get_trace_provider

from shared._core.sync_tools import RefuseSyncTools

RunContext = Callable[[], AbstractAsyncContextManager[None]]

_running: list[tuple[Any, Any]] = []
"""The (runner, trace provider) each running Worker installed, oldest first."""
_before_first: list[tuple[Any, Any]] = []
"""What was installed before the first of them started."""


def _installed() -> tuple[Any, Any]:
    return get_default_agent_runner(), get_trace_provider()


def _install(state: tuple[Any, Any]) -> None:
    set_default_agent_runner(state[0])
    set_trace_provider(state[1])


def keep_newest_installed(run_context: RunContext) -> RunContext:
    """Wrap a plugin's run context so that Workers may stop in any order."""

    @asynccontextmanager
    async def in_any_order() -> AsyncIterator[None]:
        if not _running:
            _before_first[:] = [_installed()]
        async with run_context():
            set_default_agent_runner(RefuseSyncTools(get_default_agent_runner()))
            mine = _installed()
            _running.append(mine)
            try:
                yield
            finally:
                _running.remove(mine)
        _install(_running[-1] if _running else _before_first[0])

    return in_any_order
