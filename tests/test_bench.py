"""The benchmark measures what it says: the right agent, the right setups, and a table, JSON and plot that hold it.

Nothing here asserts a time: performance claims come from ``make bench``. These
tests check what is the same on every machine (step counts, history shapes,
table and file layout) and that bad input gets a clear message.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from temporalio.client import WorkflowExecutionStatus

from bench import Harness, Results, measure_concurrency, measure_growth, measure_overhead, picture
from bench.overhead import PLAIN
from bench.setups import ALL_LOCAL, BEFORE, DEFAULTS, LOCAL_MODEL_CALLS, OVERHEAD_SETUPS
from bench.workers import AGENT_STEPS, TASK, measure_workers
from recipes.nb04_long_running_agents import chat_agent
from recipes.nb06_what_durability_costs.bench_agent import PROMPT, STEPS, run_plain
from recipes.nb11_agents_at_scale import supervisor
from recipes.nb11_agents_at_scale.fleet import activity_starts, run_many
from recipes.nb11_agents_at_scale.supervisor import SpecialistWorkflow
from shared import Connection, start_worker
from shared._core.offline_model import OfflineModelProvider
from shared._core.server import DYNAMIC_CONFIG


async def test_the_plain_agent_takes_the_stated_number_of_steps() -> None:
    answer, steps = await run_plain(PROMPT, OfflineModelProvider())
    assert steps == STEPS == 7
    assert all(city in answer for city in ("Lima", "Paris", "Tokyo"))


def test_the_before_setup_differs_from_the_defaults_only_in_the_transfer_queue_rate() -> None:
    assert BEFORE.server_config is not None
    assert {k: v for k, v in DYNAMIC_CONFIG.items() if k not in BEFORE.server_config} == {
        "history.transferProcessorMaxPollRPS": "1000"
    }
    assert len({s.key for s in OVERHEAD_SETUPS}) == len(OVERHEAD_SETUPS)


async def test_overhead_rows_record_what_each_setup_writes_to_the_history(harness: Harness) -> None:
    rows = await measure_overhead(harness, [DEFAULTS, LOCAL_MODEL_CALLS, ALL_LOCAL], rounds=1, block=2, warmup=1)
    assert [r.name for r in rows] == [PLAIN, DEFAULTS.name, LOCAL_MODEL_CALLS.name, ALL_LOCAL.name]
    assert all(len(r.runs_ms) == 2 for r in rows)
    shapes = {r.name: r.shape for r in rows[1:]}
    # 4 model calls and 3 tool calls: as Activities, as markers, or a mix.
    assert (shapes[DEFAULTS.name].activities, shapes[DEFAULTS.name].workflow_tasks) == (7, 8)
    assert (shapes[LOCAL_MODEL_CALLS.name].local_activities, shapes[LOCAL_MODEL_CALLS.name].activities) == (4, 3)
    assert (shapes[ALL_LOCAL.name].local_activities, shapes[ALL_LOCAL.name].workflow_tasks) == (7, 1)
    assert rows[0].shape is None and rows[0].server_cpu_ms is None


async def test_concurrency_runs_every_agent_and_counts_its_steps(harness: Harness) -> None:
    points = await measure_concurrency(harness, [DEFAULTS], levels=(1, 3))
    assert [(p.agents, len(p.latencies_s)) for p in points] == [(1, 1), (3, 3)]
    assert all(p.steps_per_s == p.agents * STEPS / p.wall_s for p in points)


async def test_runs_started_at_once_on_a_fresh_harness_share_one_server_and_worker(harness: Harness) -> None:
    handles = await asyncio.wait_for(asyncio.gather(*(harness.run_agent_handle(BEFORE) for _ in range(3))), 60)
    assert [(await h.describe()).status for h in handles] == [WorkflowExecutionStatus.COMPLETED] * 3


async def test_history_growth_with_continue_as_new_starts_over(conn: Connection, task_queue: str) -> None:
    worker = await start_worker(
        conn.client, task_queue=task_queue, workflows=chat_agent.WORKFLOWS, activities=chat_agent.ACTIVITIES
    )
    try:
        straight = await measure_growth(conn.client, task_queue, turns=4)
        chained = await measure_growth(conn.client, task_queue, turns=4, max_turns_per_run=2)
    finally:
        await worker.stop()
    assert [t.run for t in straight.turns] == [1, 1, 1, 1]
    assert [t.history_events for t in straight.turns] == sorted(t.history_events for t in straight.turns)
    assert straight.first_limit() is not None and chained.first_limit() is None
    assert max(t.run for t in chained.turns) > 1


async def test_results_make_one_table_a_json_file_and_a_picture(harness: Harness) -> None:
    results = Results(overhead=await measure_overhead(harness, [DEFAULTS], rounds=1, block=1, warmup=0))
    table = results.table().splitlines()
    assert table[0].split() == ["section", "what", "result", "details"]
    assert [line.split()[0] for line in table[2:]] == ["overhead", "overhead"]
    data = json.loads(json.dumps(results.as_dict()))
    assert data["steps_per_run"] == STEPS and data["overhead"][1]["history"]["events"] == 47
    drawn = picture(results)
    assert repr(drawn) == "<Benchmark figure: overhead per setup>"
    assert drawn._repr_png_().startswith(b"\x89PNG")


def test_an_unknown_section_is_refused_in_one_line() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "overhead,speed"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2
    sections = "overhead, concurrency, recovery, startup, history, long-task, workers"
    assert f"unknown section(s) speed; choose from {sections}" in done.stderr


async def test_the_workers_section_times_each_number_of_worker_processes(conn: Connection) -> None:
    points = await measure_workers(conn.client, counts=(1, 2), agents=3, rounds=2)
    assert [(p.processes, p.agents, len(p.walls_s)) for p in points] == [(1, 3, 2), (2, 3, 2)]
    assert "workers" in Results(workers=points).as_dict()
    rows = Results(workers=points).rows()
    assert [row[:2] for row in rows] == [("workers", "1 Worker process"), ("workers", "2 Worker processes")]
    assert "x one process" in rows[1][3]


async def test_a_workers_agent_takes_the_stated_number_of_steps(conn: Connection, task_queue: str) -> None:
    worker = await start_worker(conn.client, supervisor, task_queue=task_queue)
    try:
        burst = await run_many(conn.client, SpecialistWorkflow.run, [TASK], id_prefix=task_queue, task_queue=task_queue)
    finally:
        await worker.stop()
    assert len(await activity_starts(burst.handles)) == AGENT_STEPS == 3
