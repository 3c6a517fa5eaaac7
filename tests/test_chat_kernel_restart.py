"""Notebook 04's last lesson for real: the chat survives a real kernel restart.

A real Jupyter kernel starts the persistent dev server, a Worker and a chat,
and has one turn. Then the kernel is restarted (killed and started again),
which takes its server and Worker with it. The new kernel runs the setup cell
with the same database file, re-attaches by Workflow Id alone and carries on:
the transcript still holds the turn from before the restart. Finally a click
on the chat box's Send button arrives as the browser sends it (a comm message
to the button's widget model) and the turn goes through.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager

ROOT = Path(__file__).resolve().parent.parent


async def run_cell(manager: AsyncKernelManager, client: Any, code: str) -> str:
    """Execute code in the kernel and return what it printed; a failing cell fails the test."""
    printed: list[str] = []

    def collect(msg: dict[str, Any]) -> None:
        if msg["msg_type"] == "stream":
            printed.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            printed.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

    reply = await client.execute_interactive(code, timeout=90, output_hook=collect)
    text = "".join(printed)
    assert reply["content"]["status"] == "ok", text
    return text


SETUP = """
from recipes.chat_agent import ACTIVITIES, WORKFLOWS, ChatAgentWorkflow, ChatInput
from shared import setup, start_worker
from shared.chat_widget import format_transcript, read_transcript, say
conn = await setup(db_path={db!r}, quiet=True)
worker = await start_worker(conn.client, task_queue="restart-test", workflows=WORKFLOWS, activities=ACTIVITIES)
"""


async def test_the_chat_survives_a_real_kernel_restart(tmp_path: Path):
    db = str(tmp_path / "chat.db")
    chat_id = f"restart-chat-{uuid.uuid4().hex[:8]}"
    manager = AsyncKernelManager(kernel_name="python3")
    await manager.start_kernel(cwd=str(ROOT))
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        await run_cell(manager, client, SETUP.format(db=db))
        before = await run_cell(
            manager,
            client,
            f"chat = await conn.client.start_workflow(ChatAgentWorkflow.run, ChatInput(), id={chat_id!r}, "
            "task_queue='restart-test')\n"
            'print(await say(chat, "What\'s the weather in Lima?"))\n'
            "print(conn.server.process.pid)",
        )
        reply, old_server_pid = before.splitlines()
        assert reply == "(offline model) Weather in Lima: Overcast, 18 °C."

        await manager.restart_kernel(now=True)  # the kernel dies, and its server and Worker with it
        await client.wait_for_ready(timeout=60)
        assert "chat" in await run_cell(manager, client, "print('chat' in globals() or 'chat')")

        await run_cell(manager, client, SETUP.format(db=db))
        after = await run_cell(
            manager,
            client,
            f"chat = conn.client.get_workflow_handle({chat_id!r})\n"
            "print(await say(chat, 'And the weather in Paris?'))\n"
            "print(format_transcript(await read_transcript(chat)))\n"
            "print(conn.server.process.pid)",
        )
        lines = after.splitlines()
        assert lines[0] == "(offline model) Weather in Paris: Light rain, 14 °C."
        assert lines[1:5] == [
            "You: What's the weather in Lima?",
            "Agent: (offline model) Weather in Lima: Overcast, 18 °C.",
            "You: And the weather in Paris?",
            "Agent: (offline model) Weather in Paris: Light rain, 14 °C.",
        ]
        assert lines[5] != old_server_pid  # a new server process, the same database file

        # A click in the browser arrives as a comm message to the button's model; it must send the turn.
        button_id = await run_cell(
            manager,
            client,
            "from shared.chat_widget import chat_box\n"
            "box = await chat_box(chat)\n"
            'box.input.value = "What\'s the weather in Tokyo?"\n'
            "print(box.button.model_id)",
        )
        click = {"comm_id": button_id.strip(), "data": {"method": "custom", "content": {"event": "click"}}}
        client.shell_channel.send(client.session.msg("comm_msg", click))
        clicked = await run_cell(
            manager,
            client,
            "import asyncio, time\n"
            "deadline = time.monotonic() + 30\n"
            "while len(box.lines) < 6:\n"
            "    assert time.monotonic() < deadline, box.status.value\n"
            "    await asyncio.sleep(0.1)\n"
            "print(box.text().splitlines()[-1])\n"
            "await chat.execute_update(ChatAgentWorkflow.end)\n"
            "await worker.stop()\n"
            "conn.server.stop()",
        )
        assert clicked.strip() == "Agent: (offline model) Weather in Tokyo: Sunny, 22 °C."
    finally:
        client.stop_channels()
        if await manager.is_alive():
            await manager.shutdown_kernel(now=True)
