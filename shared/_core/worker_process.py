"""Entry point of a worker process: ``python -m shared MODULE --task-queue Q``.

The module names what to host in ``WORKFLOWS`` and ``ACTIVITIES``, and may add
extra ``Worker`` keyword arguments in ``WORKER_OPTIONS`` and ``shared.setup()``
keyword arguments in ``SETUP_OPTIONS`` (see ``shared._core.worker``). The process
prints ``ready`` once polling, so the notebook can await it instead of sleeping,
and shuts down gracefully on SIGTERM. SIGKILL is the crash notebook 02 studies.

``python -m shared --spare`` is the warm spare a kernel keeps (``shared._core.spare``):
the same process, its imports done, that reads those arguments, its environment
and its log file from one JSON line on stdin before it goes on as above.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
from pathlib import Path
from types import ModuleType

from temporalio.worker import Worker

from shared._core.connection import setup
from shared._core.errors import CookbookError
from shared._core.server import open_log
from shared._core.worker import load_worker_module, setup_options, worker_arguments


def load_module(name: str) -> ModuleType:
    """Import the module, exiting with one clear line if it does not import or lists nothing."""
    try:
        return load_worker_module(name)
    except CookbookError as err:
        sys.exit(str(err))


async def serve(module: ModuleType, task_queue: str, name: str) -> None:
    """Run the worker until SIGTERM."""
    try:
        connection = await setup(**setup_options(module), quiet=True)
    except CookbookError as err:  # a missing key, an unreachable server: one line for the notebook to show
        sys.exit(str(err))
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    worker = Worker(
        connection.client, task_queue=task_queue, identity=f"{name}@{os.getpid()}", **worker_arguments(module)
    )
    async with worker:
        print("ready", flush=True)
        os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
        await stop.wait()


def wait_for_job() -> list[str]:
    """As the spare: read the job, take on its environment and log, and return its arguments.

    A closed stdin with no job (the kernel went away) ends the spare quietly.
    """
    line = sys.stdin.readline()
    if not line:
        sys.exit(0)
    job = json.loads(line)
    os.environ.clear()
    os.environ.update(job["env"])
    with open_log(Path(job["log"])) as log:
        os.dup2(log.fileno(), sys.stderr.fileno())
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, sys.stdin.fileno())
    os.close(nothing)
    return list(job["argv"])


def main() -> None:
    """Parse the arguments (a spare's come on stdin) and serve."""
    argv = wait_for_job() if sys.argv[1:] == ["--spare"] else sys.argv[1:]
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("module")
    parser.add_argument("--task-queue", required=True)
    parser.add_argument("--name", default="worker")
    args = parser.parse_args(argv)
    asyncio.run(serve(load_module(args.module), args.task_queue, args.name))


if __name__ == "__main__":
    main()
