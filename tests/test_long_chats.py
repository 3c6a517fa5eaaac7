"""A chat's history, the 2 MB payload limit and the claim check (notebook 10, section 2).

Real chats on the embedded server with the offline model: the unfixed chat's
history is mostly model-call inputs; a turn whose model input passes 2 MB is
explained in one line instead of hanging, and a Worker with the claim check
completes that very turn; the claim-checked chat stays far smaller than the
unfixed one.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.converter import StorageDriverClaim, StorageDriverRetrieveContext, StorageDriverStoreContext

from recipes.nb04_long_running_agents.chat_agent import ACTIVITIES, ChatAgentWorkflow, ChatInput
from recipes.nb10_agents_in_production.chat_growth import measure_growth, model_input_share
from shared import (
    Connection,
    CookbookError,
    LocalBlobStore,
    claim_check,
    execute_update_or_explain,
    history_table,
    setup,
    start_worker,
)

LOG_FILE = "ERROR upstream connection reset by peer\n" * 28_000  # 1.1 MB: two of them pass the 2 MB limit


async def test_the_blob_store_is_content_addressed_and_checks_what_it_reads(tmp_path: Path):
    store = LocalBlobStore(tmp_path / "blobs")
    payloads = [Payload(data=b"same"), Payload(data=b"same"), Payload(data=b"other")]
    claims = await store.store(StorageDriverStoreContext(), payloads)
    assert claims[0] == claims[1] != claims[2] and store.blob_count() == 2
    assert await store.retrieve(StorageDriverRetrieveContext(), claims) == payloads
    (tmp_path / "blobs" / claims[2].claim_data["sha256"]).write_bytes(Payload(data=b"forged").SerializeToString())
    with pytest.raises(CookbookError, match="was altered"):
        await store.retrieve(StorageDriverRetrieveContext(), claims[2:])
    with pytest.raises(CookbookError, match="is not in the claim-check store"):
        await store.retrieve(StorageDriverRetrieveContext(), [StorageDriverClaim({"sha256": "0" * 64})])


async def test_a_turn_over_the_limit_is_explained_and_a_claim_check_worker_completes_it(
    conn: Connection, task_queue: str, tmp_path: Path
):
    # No Workflow cache, so no sticky queue: the fixed Worker picks up the retried task at once.
    worker = await start_worker(
        conn.client, task_queue=task_queue, workflows=[ChatAgentWorkflow], activities=ACTIVITIES, max_cached_workflows=0
    )
    chat = await conn.client.start_workflow(
        ChatAgentWorkflow.run, ChatInput(), id=f"limit-{uuid.uuid4().hex[:8]}", task_queue=task_queue
    )
    await execute_update_or_explain(chat, ChatAgentWorkflow.send, "Here is my log: " + LOG_FILE)
    with pytest.raises(CookbookError, match=r"over the server's 2 MB limit \(\[TMPRL1103\]"):
        await execute_update_or_explain(chat, ChatAgentWorkflow.send, "And the next: " + LOG_FILE, update_id="turn-2")
    stuck_run = (await chat.describe()).run_id
    await worker.stop()

    fixed = await setup(external_storage=claim_check(tmp_path / "blobs"), quiet=True)
    worker = await start_worker(
        fixed.client, task_queue=task_queue, workflows=[ChatAgentWorkflow], activities=ACTIVITIES
    )
    try:
        same_chat = fixed.client.get_workflow_handle(chat.id)
        reply = await same_chat.get_update_handle("turn-2", workflow_run_id=stuck_run).result()
        assert reply.startswith("(offline model) You said: And the next: ERROR upstream")
        assert LocalBlobStore(tmp_path / "blobs").blob_count() >= 2
    finally:
        await chat.terminate("test over")
        await worker.stop()


async def test_a_claim_check_keeps_the_history_far_smaller_than_the_unfixed_chat(
    conn: Connection, task_queue: str, tmp_path: Path
):
    turns, notes = 10, 3000
    stored = await setup(external_storage=claim_check(tmp_path / "blobs", threshold=16 * 1024), quiet=True)
    plain_worker = await start_worker(
        conn.client, task_queue=task_queue, workflows=[ChatAgentWorkflow], activities=ACTIVITIES
    )
    stored_worker = await start_worker(
        stored.client, task_queue=f"{task_queue}-cc", workflows=[ChatAgentWorkflow], activities=ACTIVITIES
    )
    try:
        chat_id = f"growth-{uuid.uuid4().hex[:8]}"
        run = {"turns": turns, "message_size": notes}
        unfixed = await measure_growth(
            conn.client, "unfixed", ChatAgentWorkflow.run, ChatInput(max_turns_per_run=1000),
            task_queue=task_queue, workflow_id=f"{chat_id}-u", **run,
        )  # fmt: skip
        claimed = await measure_growth(
            stored.client, "claim check", ChatAgentWorkflow.run, ChatInput(max_turns_per_run=1000),
            task_queue=f"{task_queue}-cc", workflow_id=f"{chat_id}-c", **run,
        )  # fmt: skip
    finally:
        await plain_worker.stop()
        await stored_worker.stop()

    assert all(b > a for a, b in zip(unfixed.sizes, unfixed.sizes[1:], strict=False)), "the unfixed chat only grows"
    growth = [b - a for a, b in zip(unfixed.sizes, unfixed.sizes[1:], strict=False)]
    assert growth[-1] > 2 * growth[0], "each turn adds more than the one before: it grows with the square of turns"
    assert await model_input_share(unfixed.handle) > 0.7, "model-call inputs are most of the history"

    assert claimed.sizes[-1] < unfixed.sizes[-1] / 2, f"claim check {claimed.sizes} against unfixed {unfixed.sizes}"
    model_inputs = [
        event.activity_task_scheduled_event_attributes.input.payloads[0]
        async for event in claimed.handle.fetch_history_events()
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    referenced = [p for p in model_inputs if p.external_payloads]
    assert referenced and all(p.ByteSize() < 1024 for p in referenced), "only a claim is recorded"
    assert (await history_table(claimed.handle)).count("update", "send") == turns, "and it reads back in full"
