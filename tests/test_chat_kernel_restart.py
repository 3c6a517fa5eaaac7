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

from tests.kernels import kernel

ROOT = Path(__file__).resolve().parent.parent


SETUP = """
from recipes.nb04_long_running_agents.chat_agent import ACTIVITIES, WORKFLOWS, ChatAgentWorkflow, ChatInput
from shared import format_transcript, read_transcript, say, setup, start_worker
conn = await setup(db_path={db!r}, quiet=True)
worker = await start_worker(conn.client, task_queue="restart-test", workflows=WORKFLOWS, activities=ACTIVITIES)
"""


async def test_the_chat_survives_a_real_kernel_restart(tmp_path: Path):
    db = str(tmp_path / "chat.db")
    chat_id = f"restart-chat-{uuid.uuid4().hex[:8]}"
    async with kernel(cwd=str(ROOT)) as k:
        await k.run(SETUP.format(db=db))
        before = await k.run(
            f"chat = await conn.client.start_workflow(ChatAgentWorkflow.run, ChatInput(), id={chat_id!r}, "
            "task_queue='restart-test')\n"
            'print(await say(chat, "What\'s the weather in Lima?"))\n'
            "print(conn.server.process.pid)",
        )
        reply, old_server_pid = before.splitlines()
        assert reply == "(offline model) Weather in Lima: Overcast, 18 °C."

        await k.restart()  # the kernel dies, and its server and Worker with it
        assert "chat" in await k.run("print('chat' in globals() or 'chat')")

        await k.run(SETUP.format(db=db))
        after = await k.run(
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
        button_id = await k.run(
            "from shared import chat_box\n"
            "box = await chat_box(chat)\n"
            'box.input.value = "What\'s the weather in Tokyo?"\n'
            "print(box.button.model_id)",
        )
        click = {"comm_id": button_id.strip(), "data": {"method": "custom", "content": {"event": "click"}}}
        k.client.shell_channel.send(k.client.session.msg("comm_msg", click))
        clicked = await k.run(
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
