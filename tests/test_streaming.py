"""Streamed replies from a Workflow, through the integration's streaming Activity and a Workflow Stream.

Proves: a subscriber gets the reply's words while the Workflow is still
running, and they add up to the result; when a streamed model call fails
halfway, the subscriber sees the broken attempt before the full one, the
widget drops the broken text, and the Event History records the model call's
result once; streaming refuses local Activities, as documented.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowExecutionStatus, WorkflowFailureError
from temporalio.openai_agents import ModelActivityParameters

from recipes.nb09_mcp_and_streaming.streaming_agent import MODEL_PARAMS, STREAM_TOPIC, TripPlannerWorkflow
from shared import (
    Connection,
    ModelFault,
    ReplyBox,
    StreamedReply,
    history_table,
    inject_model_fault,
    setup,
    start_worker,
    stream_reply,
)
from shared._views.streaming import RETRY_SEAM


@pytest.fixture(scope="module")
async def streaming(conn: Connection) -> Connection:
    """A client whose plugin streams model events to the topic (on the session's dev server)."""
    return await setup(model_params=MODEL_PARAMS, quiet=True)


async def plan(client: Connection, prompt: str, task_queue: str, fault: ModelFault | None = None):
    """Start the trip planner, with ``fault`` injected into its model calls if given."""
    workflow_id = f"plan-{uuid.uuid4().hex[:8]}"
    if fault is not None:
        inject_model_fault(workflow_id, fault)
    return await client.client.start_workflow(TripPlannerWorkflow.run, prompt, id=workflow_id, task_queue=task_queue)


async def test_the_reply_streams_while_the_workflow_runs(streaming: Connection, task_queue: str, capsys) -> None:
    worker = await start_worker(streaming.client, task_queue=task_queue, workflows=[TripPlannerWorkflow])
    # A long request makes a long reply: about three seconds of words, 50 ms apart.
    handle = await plan(
        streaming, "Plan a slow weekend by the lake with a canoe, a stove, two tents and a map", task_queue
    )
    box = ReplyBox()
    following = asyncio.create_task(stream_reply(streaming.client, handle, topic=STREAM_TOPIC, box=box))
    deadline = time.monotonic() + 30
    while not (box.reply.responses and box.reply.responses[0].text):
        assert time.monotonic() < deadline and not following.done()
        await asyncio.sleep(0.01)
    status_at_first_words = (await handle.describe()).status
    reply = await following
    result = await handle.result()
    await worker.stop()

    assert status_at_first_words == WorkflowExecutionStatus.RUNNING
    assert reply.text == result and result.startswith("(offline model) Plan:")
    assert (len(reply.responses), reply.broken) == (1, 0)
    assert capsys.readouterr().out == result + "\n", "printed into the cell as it came"


async def test_a_stream_that_breaks_halfway_is_shown_once_and_recorded_once(
    streaming: Connection, task_queue: str
) -> None:
    worker = await start_worker(streaming.client, task_queue=task_queue, workflows=[TripPlannerWorkflow])
    handle = await plan(streaming, "Plan a night under the stars", task_queue, ModelFault(fail_first_attempt=True))
    box = ReplyBox()
    reply = await stream_reply(streaming.client, handle, topic=STREAM_TOPIC, box=box, echo=False)
    result = await handle.result()
    await worker.stop()

    broken, full = reply.responses
    assert not broken.completed and full.completed
    assert broken.text and full.text.startswith(broken.text) and broken.text != full.text
    assert reply.text == full.text == result
    assert box.body.value.count("Plan:") == 1, "the widget dropped the broken attempt"
    assert repr(box) == "<ReplyBox: 2 responses, 1 dropped>"

    table = await history_table(handle)
    assert [(s.kind, s.attempt) for s in table.steps] == [("model call", 2)]
    assert table.steps[0].result.startswith("(offline model) Plan:"), "the streamed call's events, summarised"
    completed = [
        e for e in (await handle.fetch_history()).events if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
    ]
    assert len(completed) == 1, "the broken attempt left no result in the Event History"


async def test_streaming_refuses_local_activities(conn: Connection, task_queue: str) -> None:
    params = ModelActivityParameters(
        start_to_close_timeout=timedelta(seconds=30), streaming_topic=STREAM_TOPIC, use_local_activity=True
    )
    local = await setup(model_params=params, quiet=True)
    worker = await start_worker(local.client, task_queue=task_queue, workflows=[TripPlannerWorkflow])
    handle = await plan(local, "Plan a picnic", task_queue)
    with pytest.raises(WorkflowFailureError) as failure:
        await handle.result()
    await worker.stop()
    assert "incompatible with use_local_activity" in str(failure.value.cause)
    assert (await handle.describe()).status == WorkflowExecutionStatus.FAILED


def test_a_new_attempt_marks_the_seam_and_drops_the_broken_text() -> None:
    def event(kind: str, delta: str = "") -> SimpleNamespace:
        return SimpleNamespace(type=kind, delta=delta)

    events = [
        event("response.created"),
        event("response.output_text.delta", "Half "),
        event("response.created"),  # the retry starts over
        event("response.output_text.delta", "Half "),
        event("response.output_text.delta", "whole."),
        event("response.completed"),
    ]
    reply, box = StreamedReply(), ReplyBox()
    printed = []
    for e in events:
        printed.append(reply.add(e))
        box.show(e)
        if e is events[3]:  # the retry's first word: the broken "Half " is gone from the box
            assert box.body.value.count("Half") == 1 and "started over" in box.status.value
    assert "".join(printed) == "Half " + RETRY_SEAM + "Half whole.\n"
    assert (reply.text, reply.broken) == ("Half whole.", 1)
    assert "Half whole." in box.body.value and box.body.value.count("Half") == 1
    assert box.status.value == "<i>done (started over: 1 broken attempt dropped)</i>"
