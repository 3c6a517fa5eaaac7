"""Drive a real Jupyter kernel from a test, the way JupyterLab and nbval do."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from jupyter_client.manager import AsyncKernelManager


class Kernel:
    """A started kernel and its client; ``run`` executes a cell and returns what it printed."""

    def __init__(self, manager: AsyncKernelManager) -> None:
        self.manager = manager
        self.client = manager.client()

    @property
    def pid(self) -> int:
        return self.manager.provisioner.process.pid  # type: ignore[union-attr]

    async def run(self, code: str, timeout: float = 90) -> str:
        printed: list[str] = []

        def collect(msg: dict[str, Any]) -> None:
            content = msg["content"]
            if msg["msg_type"] == "stream":
                printed.append(content["text"])
            elif msg["msg_type"] == "error":
                printed.append(f"{content['ename']}: {content['evalue']}")

        reply = await self.client.execute_interactive(code, timeout=timeout, output_hook=collect)
        text = "".join(printed)
        if reply["content"]["status"] != "ok":
            raise AssertionError(f"cell failed: {text}")
        return text

    async def restart(self) -> None:
        """Restart the kernel the way JupyterLab's Kernel > Restart does: kill it and start a new one."""
        await self.manager.restart_kernel(now=True)
        await self.client.wait_for_ready(timeout=60)

    def kill_hard(self) -> None:
        """SIGKILL the kernel, as a crash or a forced restart would."""
        os.kill(self.pid, signal.SIGKILL)


@asynccontextmanager
async def kernel(cwd: str | None = None) -> AsyncIterator[Kernel]:
    manager = AsyncKernelManager(kernel_name="python3")
    await manager.start_kernel(cwd=cwd)
    k = Kernel(manager)
    k.client.start_channels()
    try:
        await k.client.wait_for_ready(timeout=60)
        yield k
    finally:
        k.client.stop_channels()
        if await manager.is_alive():
            await manager.shutdown_kernel(now=False)
        else:  # killed by the test: still close its sockets and zmq context, or their finaliser blocks later
            await manager.cleanup_resources()
