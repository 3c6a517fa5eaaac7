"""Notebook 03 in a real browser: JupyterLab, headless Chromium, and a click on the real Approve button.

The test copies the notebook into tmp_path, keeps the cells up to the one
tagged ``approval-panel`` (everything above the automated-decision cell),
starts JupyterLab on loopback with a token, runs the cells from the Run menu,
waits for the panel, clicks Approve, and checks the outcome twice: in the
panel's text and with a Temporal client against the kernel's own dev server.
Then it shuts JupyterLab and the kernel down and checks that no process it
started (kernel, dev server) is left.

Chromium comes from the system (``apt-get install chromium``); Playwright
drives it through ``executable_path``, so no browser is downloaded.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowExecutionStatus

from shared._core.server import die_with_parent, free_port
from tests.browser import CHROMIUM_FLAGS, chromium_or_skip
from tests.processes import wait_gone

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "03_human_approval.ipynb"
PANEL_TAG = "approval-panel"
WORKFLOW_ID = "approval-03-panel"
EXPECTED_RESULT = "(offline model) Carried out all 3 steps of the approved plan."
OFFLINE_UNSET = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "TEMPORAL_ADDRESS", "TEMPORAL_NAMESPACE")


def notebook_up_to_panel(destination: Path) -> None:
    """Write a copy of notebook 03 that ends with the panel cell, outputs cleared."""
    nb = json.loads(NOTEBOOK.read_text())
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cells.append(cell)
        if PANEL_TAG in cell.get("metadata", {}).get("tags", []):
            break
    else:
        raise AssertionError(f"no cell tagged {PANEL_TAG!r} in {NOTEBOOK.name}")
    nb["cells"] = cells
    nb["metadata"].pop("widgets", None)
    destination.write_text(json.dumps(nb, indent=1))


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def kernel_dev_server_address(pids: set[int]) -> str:
    """The gRPC address of the ``temporal server start-dev`` among these processes (the kernel's own)."""
    for pid in pids:
        args = cmdline(pid).split(b"\0")
        if b"start-dev" in args and b"--port" in args:
            return f"127.0.0.1:{args[args.index(b'--port') + 1].decode()}"
    raise AssertionError("the kernel's embedded dev server is not running")


class JupyterLab:
    """A JupyterLab server on loopback with its own runtime, config and settings dirs under tmp_path."""

    def __init__(self, root: Path, home: Path) -> None:
        self.port = free_port()
        self.token = os.urandom(16).hex()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in OFFLINE_UNSET}
        for name, sub in [
            ("JUPYTER_RUNTIME_DIR", "runtime"),
            ("JUPYTER_CONFIG_DIR", "config"),
            ("JUPYTERLAB_SETTINGS_DIR", "settings"),
            ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"),
        ]:
            (home / sub).mkdir(parents=True, exist_ok=True)
            env[name] = str(home / sub)
        args = [
            sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.open_browser=False",
            "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: run cells by command, not by menu pixels
        ]  # fmt: skip
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--allow-root")
        self.log_path = home / "jupyterlab.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115  (closed in stop())
        self.process = subprocess.Popen(
            args,
            env=env,
            cwd=root,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=die_with_parent,  # if pytest itself is killed, JupyterLab (and so its kernel) goes too
        )

    def api(self, path: str, method: str = "GET") -> object:
        request = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    async def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            assert self.process.poll() is None, f"JupyterLab exited early:\n{self.log_tail()}"
            try:
                self.api("/api/status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                assert time.monotonic() < deadline, f"JupyterLab not ready in {timeout:.0f} s:\n{self.log_tail()}"
                await asyncio.sleep(0.2)

    async def wait_kernel_idle(self, timeout: float = 90.0) -> None:
        """Wait until the notebook's session has a kernel that reports idle."""
        deadline = time.monotonic() + timeout
        while True:
            sessions = self.api("/api/sessions")
            if any(s["kernel"]["execution_state"] == "idle" for s in sessions):  # type: ignore[union-attr]
                return
            assert time.monotonic() < deadline, f"no idle kernel within {timeout:.0f} s: {sessions}"
            await asyncio.sleep(0.2)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    async def stop(self) -> None:
        """Shut every kernel down through the API, then the server; kill only as a last resort."""
        if self.process.poll() is None:
            try:
                for kernel in self.api("/api/kernels"):  # type: ignore[union-attr]
                    self.api(f"/api/kernels/{kernel['id']}", method="DELETE")
                self.api("/api/shutdown", method="POST")
            except (urllib.error.URLError, OSError):
                self.process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + 30
            while self.process.poll() is None and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        self._log.close()


async def test_click_approve_in_jupyterlab(tmp_path):
    chromium = chromium_or_skip()
    from playwright.async_api import async_playwright, expect

    work = tmp_path / "notebooks"
    work.mkdir()
    notebook_up_to_panel(work / NOTEBOOK.name)
    lab = JupyterLab(work, tmp_path / "jupyter")
    started: set[int] = set()
    try:
        await lab.wait_ready()
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_FLAGS, headless=True)
            try:
                page = await browser.new_page(viewport={"width": 1400, "height": 1000})
                await page.goto(f"{lab.base}/lab/tree/{NOTEBOOK.name}?token={lab.token}")
                await page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=90_000)
                # Wait for the kernel, then run every cell (the copy ends at the panel cell): Run > Run All Cells.
                await lab.wait_kernel_idle()
                await page.locator(".jp-NotebookPanel .jp-Cell").first.click()
                await page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")

                panel = page.locator(".approval-panel")
                await panel.wait_for(timeout=120_000)
                approve = panel.locator("button", has_text="Approve")
                await expect(approve).to_be_enabled(timeout=60_000)
                await expect(panel).to_contain_text("waiting for approval")
                started = descendants(lab.process.pid)
                await approve.dblclick()  # a double click, as impatient people do: still one decision

                # The panel updates itself with no cell running: decision, status, result.
                await expect(panel).to_contain_text("Approved: the plan went to the Executor agent.")
                await expect(panel.locator(".approval-status")).to_have_text("done", timeout=60_000)
                await expect(panel).to_contain_text(EXPECTED_RESULT.removeprefix("(offline model) "))
                await expect(approve).to_be_disabled()
                await panel.screenshot(path=str(tmp_path / "approval_panel.png"))
                await page.screenshot(path=str(tmp_path / "jupyterlab.png"))
            finally:
                await browser.close()

        client = await Client.connect(kernel_dev_server_address(started))
        handle = client.get_workflow_handle(WORKFLOW_ID)
        assert (await handle.describe()).status == WorkflowExecutionStatus.COMPLETED
        assert await handle.result() == EXPECTED_RESULT
        events = [e async for e in handle.fetch_history_events()]
        accepted = [e for e in events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED]
        assert len(accepted) == 1, "one click, one decision"
        assert (tmp_path / "approval_panel.png").stat().st_size > 10_000
    finally:
        started |= descendants(lab.process.pid) if lab.process.poll() is None else set()
        await lab.stop()
    left = await wait_gone(started)
    assert not left, f"processes left after JupyterLab shut down: {sorted(left)}"
