"""``python -m bench`` (``make bench``): measure what durability costs, print one table, write JSON and a PNG.

Everything runs on this machine: the embedded dev server, in-process Workers,
worker processes killed with SIGKILL, a fresh Jupyter kernel, and the offline
model. Rows that are compared are measured side by side, taking turns, so a
machine that gets busier during the run slows every row alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

import shared
from bench import concurrency, history_growth, long_task, overhead, recovery, setups, startup, workers
from bench.harness import Harness
from bench.plot import picture
from bench.report import Results, load_average
from recipes.nb04_long_running_agents import chat_agent

RESULTS_DIR = Path(__file__).resolve().parent / "results"
"""Where the JSON and the PNG go (git-ignored)."""

SECTIONS = ("overhead", "concurrency", "recovery", "startup", "history", "long-task", "workers")


def progress(message: str) -> None:
    """One line on stderr, so that stdout holds only the table."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def run(sections: list[str], quick: bool) -> Results:
    """Measure the chosen sections and return everything they found."""
    results = Results(load_before=load_average())
    await shared.setup(quiet=True)
    async with Harness() as harness:
        if "overhead" in sections:
            progress("overhead per step: every setup and plain Runner.run, taking turns")
            rounds, block = (2, 3) if quick else (5, 6)
            results.overhead = await overhead.measure_overhead(
                harness, setups.OVERHEAD_SETUPS, rounds=rounds, block=block
            )
        if "concurrency" in sections:
            levels = (1, 10, 100) if quick else (1, 10, 100, 500)
            progress(f"concurrency: {', '.join(map(str, levels))} agents at once")
            results.concurrency = await concurrency.measure_concurrency(harness, setups.CONCURRENCY_SETUPS, levels)
        defaults = await harness.ready(setups.DEFAULTS)
        if "recovery" in sections:
            progress("recovery: SIGKILL a worker process mid-tool")
            results.recovery = await recovery.measure_recovery(defaults.client)
        if "workers" in sections:
            counts, agents, rounds = ((1, 2), 20, 1) if quick else ((1, 2, 3), 60, 5)
            progress(f"workers: {agents} agents on 1 to {counts[-1]} Worker processes, {rounds} round(s)")
            results.workers = await workers.measure_workers(defaults.client, counts, agents, rounds)
        if "history" in sections:
            turns = 30 if quick else 100
            progress(f"history growth: a chat of {turns} turns, with and without continue-as-new")
            chat_queue = f"{defaults.task_queue}-chat"
            worker = await shared.start_worker(
                defaults.client, task_queue=chat_queue, workflows=chat_agent.WORKFLOWS,
                activities=chat_agent.ACTIVITIES, name="bench-chat",
            )  # fmt: skip
            try:
                results.growth = [
                    await history_growth.measure_growth(defaults.client, chat_queue, turns=turns),
                    await history_growth.measure_growth(defaults.client, chat_queue, turns=turns, max_turns_per_run=20),
                ]
            finally:
                await worker.stop()
        if "long-task" in sections:
            pages, claimed, chained = (30, 30, 60) if quick else (140, 100, 300)  # the server ends 140 near 112
            progress(f"a long task: {pages} pages in one agent run, {claimed} with a claim check, {chained} chained")
            results.long_tasks = await long_task.measure_long_task(
                defaults.client, f"{defaults.task_queue}-long-task",
                pages=pages, claimed_pages=claimed, chained_pages=chained,
            )  # fmt: skip
    if "startup" in sections:
        progress("start-up: dev server, worker process (cold and warm), first answer in a fresh kernel")
        tries = 1 if quick else 3
        results.startup = [
            await startup.server_start(tries),
            *await startup.worker_process_starts(tries),
            await startup.first_result_in_fresh_kernel(),
        ]
    server = shared.current_server()
    if server is not None:
        server.stop()
    results.load_after = load_average()
    return results


def main() -> None:
    """Parse the options, run, print the table and write the files."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer runs and turns: a smoke test, not a result")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated sections of {', '.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for latest.json and latest.png")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for the README)")
    args = parser.parse_args()
    sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    results = asyncio.run(run(sections, args.quick))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(results.as_dict(), indent=2) + "\n")
    drawn = picture(results)
    wrote = [args.out / "latest.json"]
    if drawn.panels:  # start-up alone has no picture
        drawn.figure.savefig(args.out / "latest.png", dpi=100)
        wrote.append(args.out / "latest.png")
    print(results.markdown() if args.markdown else results.table())
    load = f"load average {results.load_before} before, {results.load_after} after"
    print(f"\n{load}. Wrote {' and '.join(str(path) for path in wrote)}.")


if __name__ == "__main__":
    main()
