"""The facilitator guide's live crash, run with the guide's own commands: kill -9 a Worker, see attempt 2, recover.

The commands below are copied from ``docs/facilitator.md`` and the test checks that they are still there, so the
runbook cannot drift from what works. Only the server's address, the tool's seconds and the paths differ.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import signal
import sys
import uuid
from pathlib import Path

from shared import Connection
from shared._core.server import temporal_cli_path
from tests.exercises import within

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "facilitator.md").read_text()

WORKER = (
    ".venv/bin/python -m shared recipes.nb02_crash_recovery.research_agent"
    " --task-queue research-agent --name projector-1 &"
)
START = """.venv/bin/temporal workflow start --task-queue research-agent --type ResearchAgentWorkflow \\
  --workflow-id projector-crash \\
  --input '{"topic": "Temporal", "outbox_path": "/tmp/projector-outbox.db", "tool_seconds": 15}'"""
DESCRIBE = ".venv/bin/temporal workflow describe -w projector-crash"
RESULT = ".venv/bin/temporal workflow result -w projector-crash"


def argv(command: str, workflow_id: str, outbox: Path) -> list[str]:
    """The guide's command as argv, for this test's run: its own Workflow id, outbox and shorter tools."""
    command = command.removesuffix(" &").replace("\\\n", " ").replace("projector-crash", workflow_id)
    command = command.replace("/tmp/projector-outbox.db", str(outbox))
    command = command.replace('"tool_seconds": 15', '"tool_seconds": 4')
    words = shlex.split(command)
    words[0] = sys.executable if words[0] == ".venv/bin/python" else temporal_cli_path()
    return words


async def run(words: list[str], env: dict[str, str]) -> str:
    process = await asyncio.create_subprocess_exec(
        *words, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    out, _ = await within(process.communicate(), 60, " ".join(words[1:4]))
    assert process.returncode == 0, out.decode()
    return out.decode()


async def pending(words: list[str], env: dict[str, str]) -> dict[str, str]:
    """``temporal workflow describe``'s first pending Activity, as its field: value lines."""
    text = await run(words, env)
    block = text.split("Pending Activities:", 1)[1]
    return dict(re.findall(r"^\s+(\w+)\s+(.*?)\s*$", block, re.M))


async def wait_pending(words: list[str], env: dict[str, str], **expected: str) -> dict[str, str]:
    while True:
        fields = await pending(words, env)
        if all(fields.get(k) == v for k, v in expected.items()):
            return fields
        await asyncio.sleep(0.2)


async def start_worker(words: list[str], env: dict[str, str]) -> asyncio.subprocess.Process:
    worker = await asyncio.create_subprocess_exec(*words, env=env, stdout=asyncio.subprocess.PIPE)
    assert worker.stdout is not None
    assert await within(worker.stdout.readline(), 60, "the worker's ready line") == b"ready\n"
    return worker


async def test_the_live_crash_runbook(conn: Connection, tmp_path: Path) -> None:
    for command in (WORKER, START, DESCRIBE, RESULT, "kill -9 %1", WORKER.replace("projector-1", "projector-2")):
        assert command in GUIDE, f"the guide no longer shows: {command}"
    assert conn.server is not None
    env = {**os.environ, "TEMPORAL_ADDRESS": conn.server.address}
    workflow_id, outbox = f"projector-crash-{uuid.uuid4().hex[:6]}", tmp_path / "outbox.db"

    first = await start_worker(argv(WORKER, workflow_id, outbox), env)
    second = None
    try:
        await run(argv(START, workflow_id, outbox), env)
        describe = argv(DESCRIBE, workflow_id, outbox)
        await within(wait_pending(describe, env, Type="read_sources", State="Started"), 60, "read_sources running")
        first.send_signal(signal.SIGKILL)  # kill -9 %1
        await first.wait()
        after_kill = await within(wait_pending(describe, env, Attempt="2"), 30, "attempt 2")
        assert after_kill["Type"] == "read_sources" and after_kill["State"] == "Scheduled"
        assert "Heartbeat timeout" in after_kill["LastFailure"]

        second = await start_worker(argv(WORKER.replace("projector-1", "projector-2"), workflow_id, outbox), env)
        answer = await run(argv(RESULT, workflow_id, outbox), env)
        assert "Status          COMPLETED" in answer and "notes on Temporal taken" in answer
        history = json.loads(await run([temporal_cli_path(), "workflow", "show", "-w", workflow_id, "-o", "json"], env))
        key = "activityTaskStartedEventAttributes"
        started = [event[key] for event in history["events"] if key in event]
        assert any(a.get("attempt") == 2 and a["identity"].startswith("projector-2@") for a in started)
    finally:
        for worker in (first, second):
            if worker is not None and worker.returncode is None:
                worker.send_signal(signal.SIGTERM)
                await worker.wait()
