"""The chat Workflow of notebook 04 on the embedded dev server, with the offline model.

Proves: each turn is an Update that returns the reply and keeps the history;
the validator refuses empty messages and a closed chat refuses turns; the
chain continues as new with the trimmed history and the conversation goes on;
a new handle by Workflow id carries on the chat; the chat box's Send button
returns at once; the daily digest runs from a Schedule triggered once.
"""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest
from temporalio.client import (
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleCalendarSpec,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
    WorkflowExecutionStatus,
)

from recipes.nb04_long_running_agents.chat_agent import (
    ACTIVITIES,
    WORKFLOWS,
    ChatAgentWorkflow,
    ChatInput,
    DailyDigestWorkflow,
    trim_history,
)
from shared import ChatBox, Connection, CookbookError, chat_box, history_table, say, start_worker


@pytest.fixture
async def worker(conn: Connection, task_queue: str):
    handle = await start_worker(conn.client, task_queue=task_queue, workflows=WORKFLOWS, activities=ACTIVITIES)
    yield handle
    await handle.stop()


async def start_chat(conn: Connection, task_queue: str, **options) -> object:
    return await conn.client.start_workflow(
        ChatAgentWorkflow.run, ChatInput(**options), id=f"chat-{uuid.uuid4().hex[:8]}", task_queue=task_queue
    )


async def test_each_turn_is_an_update_that_keeps_the_history(conn, task_queue, worker):
    chat = await start_chat(conn, task_queue)
    first = await say(chat, "What's the weather in Lisbon?")
    second = await say(chat, "Thanks! I'm packing now")
    assert first == "(offline model) Weather in Lisbon: Clear skies, 20 °C."
    assert second == "(offline model) You said: Thanks! I'm packing now"
    lines = await chat.query(ChatAgentWorkflow.transcript)
    assert [line.role for line in lines] == ["user", "agent", "user", "agent"]
    table = await history_table(chat)
    assert table.count("update", "send") == 2
    assert table.count("tool", "get_weather") == 1
    assert table.count("model call") == 3  # weather: call + answer; second turn: answer only
    await chat.execute_update(ChatAgentWorkflow.end)
    summary = await chat.result()
    assert (summary.turns, summary.runs) == (2, 1)


async def test_validator_refuses_an_empty_message(conn, task_queue, worker):
    chat = await start_chat(conn, task_queue)
    with pytest.raises(CookbookError, match="The chat refused the message: The message is empty"):
        await say(chat, "   ")
    table = await history_table(chat)
    assert table.count("update") == 0  # a rejected Update leaves no trace in the Event History
    await chat.execute_update(ChatAgentWorkflow.end)


async def test_a_turn_after_the_end_is_refused(conn, task_queue, worker):
    chat = await start_chat(conn, task_queue)
    await say(chat, "Hello")
    await chat.execute_update(ChatAgentWorkflow.end)
    await chat.result()
    with pytest.raises(CookbookError, match="has ended"):
        await say(chat, "Are you still there?")


async def test_the_validator_refuses_turns_once_ended():
    chat = ChatAgentWorkflow.__new__(ChatAgentWorkflow)
    chat._ended = True
    with pytest.raises(ValueError, match="This chat has ended"):
        chat.validate_send("hello")
    with pytest.raises(ValueError, match="already ended"):
        chat.validate_end()


async def test_continue_as_new_carries_the_trimmed_history(conn, task_queue, worker):
    chat = await start_chat(conn, task_queue, max_turns_per_run=2, keep_turns=1)
    await say(chat, "What's the weather in Lisbon?")
    await say(chat, "Remind me in 3 days about Lisbon")
    # The second turn reached the limit: the run continues as new once the handler has finished.
    await say(chat, "What's the weather in Tokyo?")
    status = await chat.query(ChatAgentWorkflow.status)
    assert (status.turns, status.run_number, status.turns_this_run) == (3, 2, 1)
    assert status.pending_reminders == ["Lisbon"]  # the reminder's timer is restarted in the new run
    runs = [w async for w in conn.client.list_workflows(f"WorkflowId = '{chat.id}'")]
    statuses = sorted(r.status for r in runs)
    assert statuses == sorted([WorkflowExecutionStatus.CONTINUED_AS_NEW, WorkflowExecutionStatus.RUNNING])
    first_run = conn.client.get_workflow_handle(chat.id, run_id=chat.first_execution_run_id or chat.run_id)
    assert (await first_run.describe()).status == WorkflowExecutionStatus.CONTINUED_AS_NEW
    await chat.execute_update(ChatAgentWorkflow.end)
    summary = await chat.result()
    assert (summary.turns, summary.runs) == (3, 2)


def test_trim_history_keeps_whole_turns():
    history = [
        {"role": "user", "content": "a"},
        {"type": "function_call", "call_id": "1", "name": "get_weather", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "1", "output": "x"},
        {"role": "assistant", "content": "A"},
        {"role": "user", "content": "b"},
        {"role": "assistant", "content": "B"},
    ]
    assert trim_history(history, 1) == history[4:]
    assert trim_history(history, 2) == history
    assert trim_history(history, 5) == history


async def test_a_new_handle_by_id_continues_the_conversation(conn, task_queue, worker):
    chat = await start_chat(conn, task_queue)
    await say(chat, "What's the weather in Lima?")
    again = conn.client.get_workflow_handle(chat.id)  # what a restarted kernel has: only the id
    await say(again, "And in Paris?")
    lines = await again.query(ChatAgentWorkflow.transcript)
    assert len(lines) == 4 and lines[0].text == "What's the weather in Lima?"
    await again.execute_update(ChatAgentWorkflow.end)


async def test_the_send_button_does_not_block_the_kernel(conn, task_queue, worker):
    chat = await start_chat(conn, task_queue)
    box = await chat_box(chat)
    assert isinstance(box, ChatBox) and box.lines == []
    box.input.value = "What's the weather in Tokyo?"
    started = time.monotonic()
    box.button.click()  # what a click in JupyterLab does: runs the handler, which only schedules the Update
    assert time.monotonic() - started < 0.5 and box.busy and box.input.value == ""
    await box.idle()
    assert box.text().splitlines() == [
        "You: What's the weather in Tokyo?",
        "Agent: (offline model) Weather in Tokyo: Sunny, 22 °C.",
    ]
    assert "Weather in Tokyo" in box.transcript.value
    box.input.value = "  "
    box.button.click()
    await box.idle()
    assert "The message is empty" in box.status.value
    await chat.execute_update(ChatAgentWorkflow.end)


async def test_daily_digest_runs_from_a_schedule(conn, task_queue, worker):
    schedule_id = f"digest-{uuid.uuid4().hex[:8]}"
    handle = await conn.client.create_schedule(
        schedule_id,
        Schedule(
            action=ScheduleActionStartWorkflow(
                DailyDigestWorkflow.run,
                "Morning digest: weather in Lima",
                id=f"{schedule_id}-run",
                task_queue=task_queue,
            ),
            spec=ScheduleSpec(calendars=[ScheduleCalendarSpec(hour=[ScheduleRange(7)], minute=[ScheduleRange(30)])]),
            state=ScheduleState(note="daily digest at 07:30 UTC"),
        ),
    )
    try:
        await handle.trigger()
        deadline = time.monotonic() + 30
        while not (description := await handle.describe()).info.recent_actions:
            assert time.monotonic() < deadline, "the triggered action never started"
            await asyncio.sleep(0.1)
        action = description.info.recent_actions[0].action
        result = await conn.client.get_workflow_handle(action.workflow_id).result()
        assert result == "(offline model) Weather in Lima: Overcast, 18 °C."
        assert description.info.num_actions == 1
        assert description.schedule.spec.calendars[0].hour[0].start == 7
        assert description.info.next_action_times and description.info.next_action_times[0].hour == 7
    finally:
        await handle.delete()


async def test_reminder_timer_fires_on_the_dev_server(conn, task_queue, worker):
    """A reminder due in a fraction of a day (3 seconds) arrives in the transcript on a real server."""
    chat = await start_chat(conn, task_queue)
    reply = await say(chat, "Remind me in 0.00003 days about Lima")
    assert reply == "(offline model) Reminder set: Lima, in 3e-05 days."
    deadline = time.monotonic() + 30
    while not any(line.role == "reminder" for line in await chat.query(ChatAgentWorkflow.transcript)):
        assert time.monotonic() < deadline, "the reminder never arrived"
        await asyncio.sleep(0.2)
    table = await history_table(chat)
    assert [step.result for step in table.steps if step.kind == "timer"] == ["fired"]
    await chat.execute_update(ChatAgentWorkflow.end)
    assert (await chat.result()).reminders_delivered == 1
