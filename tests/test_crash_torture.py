"""Crash torture: SIGKILL the worker process at random moments; every run must finish, side effects once.

Each round runs several research Workflows at once on one worker process,
staggered so that they are at different steps, then kills that process at a
random moment and starts a new one, which becomes the next round's victim.
A run is one Workflow; each sees the kill at a random point of its life:
during a model call, during a tool, or between steps.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections import Counter
from pathlib import Path

from temporalio.client import WorkflowExecutionStatus

import shared
from recipes.nb02_crash_recovery.research_agent import ResearchAgentWorkflow, ResearchRequest, read_outbox
from shared import running_activities
from shared._core.activities import MODEL_ACTIVITIES

MODULE = "recipes.nb02_crash_recovery.research_agent"
SEED = 20261123
ROUNDS = 4
RUNS_PER_ROUND = 6
TOPICS = ["Lima", "Tokyo", "Paris", "Oslo", "Cairo", "Quito", "Delhi", "Accra"]
RESULT_TIMEOUT_S = 60.0
HALF_SECOND_MODEL = shared.ModelFault(delay_s=0.5)
"""Every model call half a second late, as a real model's would be, so a kill can land in one."""


def expected_answer(topic: str) -> str:
    """What the offline model answers when every tool has run once."""
    return (
        f"(offline model) 3 sources on {topic}. notes on {topic} taken. facts on {topic} checked. "
        f"query_archive failed: the archive has no entry for {topic}. "
        f"notification sent: research on {topic} is done."
    )


def request_for(topic: str, outbox: Path) -> ResearchRequest:
    """Short tools (and a half-second model, ``HALF_SECOND_MODEL``), so a random kill lands in every kind of step."""
    return ResearchRequest(topic, str(outbox), tool_seconds=0.5, heartbeat_timeout_s=1, notify_linger_s=0.3)


async def stage_of(handle) -> str:
    """What the Workflow was doing at the kill: its Activity attempts still marked running."""
    if (await handle.describe()).status != WorkflowExecutionStatus.RUNNING:
        return "already finished"
    names = [a.name for a in await running_activities(handle)]
    if any(name in MODEL_ACTIVITIES for name in names):
        return "model call"
    return "tool" if names else "between steps"


async def test_crash_torture(conn, task_queue, tmp_path, capsys):
    rng = random.Random(SEED)
    outbox = tmp_path / "outbox.db"
    stages: Counter[str] = Counter()
    results: dict[str, tuple[str, str]] = {}  # workflow id -> (expected, actual)
    worker = await shared.start_worker_process(MODULE, task_queue=task_queue, name="torture-a")
    started = time.monotonic()
    try:
        for round_no in range(ROUNDS):
            handles = []
            for i in range(RUNS_PER_ROUND):
                topic = rng.choice(TOPICS)
                workflow_id = f"torture-{task_queue}-{round_no}-{i}"
                shared.inject_model_fault(workflow_id, HALF_SECOND_MODEL)
                handle = await conn.client.start_workflow(
                    ResearchAgentWorkflow.run, request_for(topic, outbox), id=workflow_id, task_queue=task_queue
                )
                handles.append((handle, topic))
                await asyncio.sleep(rng.uniform(0.0, 0.5))  # stagger: each run at a different step
            await asyncio.sleep(rng.uniform(0.1, 2.0))  # the random moment of the crash
            assert await worker.kill()
            hit: Counter[str] = Counter()
            for handle, _ in handles:
                hit[await stage_of(handle)] += 1
            stages += hit
            worker = await shared.start_worker_process(
                MODULE, task_queue=task_queue, name="torture-b" if round_no % 2 == 0 else "torture-a"
            )
            for handle, topic in handles:
                actual = await asyncio.wait_for(handle.result(), RESULT_TIMEOUT_S)
                results[handle.id] = (expected_answer(topic), actual)
            with capsys.disabled():  # a minute and a half is too long to sit silent
                print(
                    f"\n  round {round_no + 1}/{ROUNDS}: SIGKILL hit {dict(sorted(hit.items()))}; "
                    f"{len(handles)} runs finished on the next worker ({time.monotonic() - started:.0f} s)",
                    end="",
                )
    finally:
        await worker.stop()

    rows = read_outbox(str(outbox))
    per_run = Counter(key.split("/")[0] for key, _ in rows)
    runs = len(results)
    completed = sum(1 for expected, actual in results.values() if expected == actual)
    lost = ROUNDS * RUNS_PER_ROUND - runs
    duplicates = sum(n - 1 for n in per_run.values() if n > 1)
    with capsys.disabled():
        print(
            f"\n{runs} runs, {completed} completed, {lost} lost, {duplicates} duplicate side effects "
            f"(killed during: {dict(sorted(stages.items()))}; {time.monotonic() - started:.0f} s)"
        )
    assert runs >= 20
    assert completed == runs, [r for r in results.values() if r[0] != r[1]]
    assert lost == 0
    assert duplicates == 0
    assert set(per_run) == set(results), "every run wrote exactly one notification"
    assert stages["model call"] and stages["tool"], f"the kills should hit model calls and tools: {stages}"


def test_outbox_key_is_idempotent(tmp_path):
    """The property the torture test leans on: a second INSERT with the same key is ignored."""
    outbox = tmp_path / "outbox.db"
    read_outbox(str(outbox))  # creates the table
    with sqlite3.connect(outbox) as db:
        for _ in range(2):
            db.execute("INSERT OR IGNORE INTO outbox (key, message) VALUES ('wf/7', 'done')")
    assert read_outbox(str(outbox)) == [("wf/7", "done")]
