"""State persistence: restart the dev server on its database file mid-run; every run must finish, once.

The server is the session's embedded one, switched to a database file (same
address, so other tests' clients keep working). Each round starts several
research Workflows, waits a random moment, and restarts the server under them.
The worker process is never restarted: it reconnects on its own.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter

import shared
from recipes.nb02_crash_recovery.research_agent import ResearchAgentWorkflow, ResearchRequest, read_outbox
from tests.test_crash_torture import HALF_SECOND_MODEL, TOPICS, expected_answer

SEED = 7
ROUNDS = 3
RUNS_PER_ROUND = 4
RESULT_TIMEOUT_S = 60.0


async def test_workflows_survive_server_restarts(discard_in_memory_server, task_queue, tmp_path, capsys):
    rng = random.Random(SEED)
    conn = await shared.setup(db_path=tmp_path / "temporal.db", quiet=True)
    address = conn.server.address
    outbox = tmp_path / "outbox.db"
    results: dict[str, tuple[str, str]] = {}
    started = time.monotonic()
    worker = await shared.start_worker_process(
        "recipes.nb02_crash_recovery.research_agent", task_queue=task_queue, name="restart-worker"
    )
    try:
        for round_no in range(ROUNDS):
            handles = []
            for i in range(RUNS_PER_ROUND):
                topic = rng.choice(TOPICS)
                request = ResearchRequest(topic, str(outbox), tool_seconds=0.5)
                workflow_id = f"restart-{task_queue}-{round_no}-{i}"
                shared.inject_model_fault(workflow_id, HALF_SECOND_MODEL)
                handle = await conn.client.start_workflow(
                    ResearchAgentWorkflow.run, request, id=workflow_id, task_queue=task_queue
                )
                handles.append((handle, topic))
                await asyncio.sleep(rng.uniform(0.0, 0.5))
            await asyncio.sleep(rng.uniform(0.1, 2.0))
            server = await shared.restart_dev_server()
            assert server.address == address
            assert worker.alive, "the worker process must survive the server restart"
            for handle, topic in handles:
                actual = await asyncio.wait_for(handle.result(), RESULT_TIMEOUT_S)
                results[handle.id] = (expected_answer(topic), actual)
    finally:
        await worker.stop()

    per_run = Counter(key.split("/")[0] for key, _ in read_outbox(str(outbox)))
    runs = len(results)
    completed = sum(1 for expected, actual in results.values() if expected == actual)
    duplicates = sum(n - 1 for n in per_run.values() if n > 1)
    lost = ROUNDS * RUNS_PER_ROUND - runs
    with capsys.disabled():
        print(
            f"\n{runs} runs, {completed} completed, {lost} lost, {duplicates} duplicate side effects "
            f"across {ROUNDS} server restarts ({time.monotonic() - started:.0f} s)"
        )
    assert completed == runs == ROUNDS * RUNS_PER_ROUND
    assert duplicates == 0
    assert set(per_run) == set(results)


async def test_a_finished_workflow_is_still_there_after_a_restart(discard_in_memory_server, task_queue, tmp_path):
    """What persistence means for a result: ask for it after the server came back."""
    conn = await shared.setup(db_path=tmp_path / "temporal.db", quiet=True)
    worker = await shared.start_worker_process(
        "recipes.nb02_crash_recovery.research_agent", task_queue=task_queue, name="restart-worker"
    )
    try:
        request = ResearchRequest("Lima", str(tmp_path / "outbox.db"), tools=["check_facts"])
        handle = await conn.client.start_workflow(
            ResearchAgentWorkflow.run, request, id=f"persist-{task_queue}", task_queue=task_queue
        )
        answer = await handle.result()
    finally:
        await worker.stop()
    await shared.restart_dev_server()
    assert (
        await conn.client.get_workflow_handle(handle.id).result() == answer == "(offline model) facts on Lima checked."
    )
