"""Workers for notebooks: one in the kernel as a background task, or one in its own OS process.

Both kinds are owned by a handle kept in a registry, so re-running a cell
replaces the worker instead of adding a second one, and nothing is orphaned
(a worker process is one of the processes ``shared._core.processes`` owns).

Both host a module the same way. A worker module lists what it hosts and how:

* ``WORKFLOWS`` and ``ACTIVITIES``: the Workflow classes and Activity functions;
* ``WORKER_OPTIONS`` (optional): extra keyword arguments for ``Worker``;
* ``SETUP_OPTIONS`` (optional): keyword arguments for ``shared.setup()`` in a
  worker process, such as ``{"model_params": ...}``.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from temporalio.client import Client
from temporalio.worker import Worker

from shared._core.errors import CookbookError, check_type
from shared._core.processes import OwnedProcess, module_name, own
from shared._core.server import current_server, stopped_server
from shared._core.spare import keep_spare, take_spare


@dataclass
class BackgroundWorker:
    """A Temporal Worker running as an asyncio task in this kernel."""

    worker: Worker
    identity: str
    task: asyncio.Task[None]
    _start_again: Callable[[], Any] = field(repr=False)

    @property
    def running(self) -> bool:
        """Whether the worker is still polling its Task Queue."""
        return not self.task.done()

    @property
    def task_queue(self) -> str:
        """The Task Queue this worker polls."""
        return self.worker.task_queue

    async def stop(self) -> None:
        """Shut the worker down gracefully: in-flight tasks finish, polling stops."""
        if self.running:
            await self.worker.shutdown()
        await asyncio.gather(self.task, return_exceptions=True)
        if _in_kernel.get(self.task_queue) is self:
            del _in_kernel[self.task_queue]

    async def restart(self) -> BackgroundWorker:
        """Stop this worker and start an identical one in its place."""
        await self.stop()
        return await self._start_again()

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"<BackgroundWorker {self.identity} on {self.task_queue!r}: {state}>"


_in_kernel: dict[str, BackgroundWorker] = {}


def load_worker_module(module: ModuleType | str) -> ModuleType:
    """Import a worker module by name (or take it as is) and check that it hosts something."""
    if isinstance(module, str):
        try:
            module = importlib.import_module(module)
        except Exception as err:  # any import failure is the learner's to fix
            raise CookbookError(f"cannot import module {module!r}: {type(err).__name__}: {err}") from None
    if not getattr(module, "WORKFLOWS", None) and not getattr(module, "ACTIVITIES", None):
        raise CookbookError(
            f"module {module.__name__!r} defines neither WORKFLOWS nor ACTIVITIES, so there is nothing to host"
        )
    return module


def worker_arguments(module: ModuleType) -> dict[str, Any]:
    """The ``Worker`` keyword arguments for what a worker module lists: its Workflows, Activities and options."""
    return {
        "workflows": list(getattr(module, "WORKFLOWS", [])),
        "activities": list(getattr(module, "ACTIVITIES", [])),
        **getattr(module, "WORKER_OPTIONS", {}),
    }


def setup_options(module: ModuleType) -> dict[str, Any]:
    """The keyword arguments for ``shared.setup()`` a worker process of this module uses."""
    return dict(getattr(module, "SETUP_OPTIONS", {}))


async def start_worker(
    client: Client,
    module: ModuleType | str | None = None,
    *,
    task_queue: str,
    workflows: Sequence[type] = (),
    activities: Sequence[Callable[..., Any]] = (),
    name: str = "notebook-worker",
    **worker_options: Any,
) -> BackgroundWorker:
    """Run a Worker in the background of this kernel; a second call for the same queue replaces it.

    ``module`` hosts what a worker module lists (``WORKFLOWS``, ``ACTIVITIES``
    and ``WORKER_OPTIONS``); ``workflows``, ``activities`` and keyword options
    add to it, or stand alone without a module. The worker keeps polling while
    the kernel is idle, so a Workflow started in one cell finishes with no cell
    running. Workflows keep the sandbox on.
    """
    check_type("start_worker", "client", client, Client, "the client of setup(): pass conn.client")
    check_type("start_worker", "module", module, (ModuleType, str, type(None)), "a worker module or its name")
    _check_worker_names("start_worker", task_queue, name)
    if module is not None:
        hosted = worker_arguments(load_worker_module(module))
        workflows = [*hosted.pop("workflows"), *workflows]
        activities = [*hosted.pop("activities"), *activities]
        worker_options = {**hosted, **worker_options}
    previous = _in_kernel.pop(task_queue, None)
    if previous is not None:
        await previous.stop()
    identity = f"{name}@{os.getpid()}"
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=list(workflows),
        activities=list(activities),
        identity=identity,
        **worker_options,
    )
    task = asyncio.create_task(worker.run(), name=f"temporal-worker-{task_queue}")
    task.add_done_callback(_report_crash)

    async def start_again() -> BackgroundWorker:
        return await start_worker(
            client,
            task_queue=task_queue,
            workflows=workflows,
            activities=activities,
            name=name,
            **worker_options,
        )

    handle = BackgroundWorker(worker, identity, task, start_again)
    _in_kernel[task_queue] = handle
    return handle


def _check_worker_names(call: str, task_queue: object, name: object) -> None:
    """Refuse a Task Queue or Worker name that is not a non-empty string, before anything is replaced."""
    check_type(call, "task_queue", task_queue, str, "the Task Queue's name, a non-empty str")
    check_type(call, "name", name, str, "the Worker's name, a str")
    if not task_queue.strip():  # type: ignore[attr-defined]
        raise CookbookError(f"{call}(task_queue='') needs the Task Queue's name, e.g. task_queue='weather'.")


def running_workers() -> list[BackgroundWorker]:
    """The in-kernel workers this kernel owns right now."""
    return [w for w in _in_kernel.values() if w.running]


def _report_crash(task: asyncio.Task[None]) -> None:
    """A worker that dies in the background says so on stderr instead of vanishing."""
    if not task.cancelled() and task.exception() is not None:
        print(f"Worker task {task.get_name()} stopped with an error: {task.exception()!r}", file=sys.stderr)


class WorkerProcess(OwnedProcess):
    """A Temporal Worker in its own OS process, started from a module of the cookbook."""

    kind = "worker"
    ready_timeout = 60.0

    def __init__(self, module: str, task_queue: str, name: str, env: Mapping[str, str] | None = None) -> None:
        super().__init__(("shared", module, "--task-queue", task_queue, "--name", name), name, env)
        self.module = module
        self.task_queue = task_queue

    async def start(self) -> WorkerProcess:
        """Hand the job to this kernel's warm spare if it fits, else launch cold; then keep a spare for the next."""
        self.process = await take_spare(self.command[1:], {**os.environ, **self.env}, self.log_path)
        if self.process is None:
            await self._launch(asyncio.subprocess.DEVNULL)
        await self._await_ready()
        await keep_spare()
        return self

    @property
    def identity(self) -> str:
        """The Worker's identity, as the Event History records it: ``name@pid``."""
        return f"{self.name}@{self.pid}"

    async def kill(self) -> bool:
        """Crash the worker with SIGKILL, as a power cut would. Return False if it was already gone."""
        if not self.alive:
            print(f"{self.identity} is not running (exit code {self.returncode}); nothing to kill.")
            return False
        return await super().kill()

    def _not_ready_message(self) -> str:
        return f"The worker for {self.module!r} did not start within {self.ready_timeout:.0f} s."

    def _exited_message(self, reason: str) -> str:
        code = self.returncode
        return f"The worker process for module {self.module!r} exited during start-up (code {code}): {reason}"

    def __repr__(self) -> str:
        state = "running" if self.alive else f"exited ({self.returncode})"
        return f"<WorkerProcess {self.identity} on {self.task_queue!r}: {state}>"


async def start_worker_process(
    module: ModuleType | str, *, task_queue: str, name: str = "worker", env: Mapping[str, str] | None = None
) -> WorkerProcess:
    """Start a Worker process that hosts ``module`` (a module or its name), and wait until it polls ``task_queue``.

    The process runs ``python -m shared MODULE``, or is this kernel's warm spare
    handed that job (``shared._core.spare``; the first call starts the spare, so
    the next start skips the imports). The module lists what the
    worker hosts in ``WORKFLOWS`` and ``ACTIVITIES``
    (and may set ``WORKER_OPTIONS`` and ``SETUP_OPTIONS``). A process with the
    same ``name`` is replaced. The process connects to the same server as this
    kernel, with this kernel's environment plus ``env`` (for example a secret
    only the Worker may hold). Everything is checked before a running process of that name is replaced.
    """
    check_type("start_worker_process", "module", module, (ModuleType, str), "a worker module or its name")
    _check_worker_names("start_worker_process", task_queue, name)
    env = _checked_env(env)
    server = current_server()
    if server is not None:
        env.update(TEMPORAL_ADDRESS=server.address, TEMPORAL_NAMESPACE="default")
    elif stopped_server() is not None and not os.environ.get("TEMPORAL_ADDRESS"):
        raise CookbookError(
            "This kernel's embedded server is stopped, so the Worker process would have no server to poll: "
            "run setup() again first."
        )
    return await own(WorkerProcess(module_name(module), task_queue, name, env))


def _checked_env(env: object) -> dict[str, str]:
    """A copy of ``env``, refused in one line unless it maps names to strings (as a process environment must)."""
    check_type("start_worker_process", "env", env, (Mapping, type(None)), "a dict of environment variables")
    pairs = dict(env or {})  # type: ignore[call-overload]
    for key, value in pairs.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise CookbookError(
                f"start_worker_process(env=...) needs str names and values; {key!r}: {value!r:.40} is not: "
                "write the value as a string."
            )
    return pairs
