"""Helpers the notebooks import: the embedded server, workers, model choice, history views and widgets.

Every notebook starts with ``conn = await setup()``; the rest is plain Temporal.

The package has three layers, one private folder each:

* ``_core``: what every process needs, a Worker process included: the
  connection, the embedded server, Workers and the other processes a kernel
  owns (among them a warm spare Worker process, imports done, that the next
  ``start_worker_process()`` hands its job to), model choice, the offline
  model and faults injected into model calls, errors and waiting (for an
  Activity, or for an Update that explains a failing Workflow Task).
* ``_views``: what a notebook shows: history tables and the checks lessons
  make of them, timelines, run chains, source code, the chat box, the
  approval panel, streamed replies, replay.
* ``_extras``: production concerns of notebook 10: the payload codec and its
  server, the claim check, tracing.

Three rules keep it simple:

* Import from here, ``from shared import setup, history_table, ...``, never
  from a submodule: the names in ``__all__`` are the public API, and every
  submodule is private by name. (Tests may reach inside on purpose.)
* A name's module loads the first time the name is used, so ``import shared``
  is cheap and a Worker process, which uses only the core, never loads
  ipywidgets, matplotlib, OpenTelemetry or cryptography.
* ``shared`` never imports ``recipes``. Recipes (Workflows, Activities and the
  drivers that run them) build on ``shared``, not the other way round; a helper
  that needs a Workflow's Update or Query takes it as a parameter, as
  ``ApprovalPanel`` does.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_MODULES: dict[str, list[str]] = {
    # The core: what every process needs.
    "_core.activities": ["MODEL_ACTIVITIES", "RunningActivity", "running_activities", "wait_for_activity"],
    "_core.cli": ["temporal_cli"],
    "_core.connection": ["Connection", "setup"],
    "_core.errors": ["CookbookError"],
    "_core.model_faults": ["ModelFault", "inject_model_fault"],
    "_core.models": [
        "MAX_TOKENS",
        "MODEL_RETRY_POLICY",
        "ModelChoice",
        "agents_plugin",
        "model_wait_s",
        "select_model",
    ],
    "_core.offline_model": ["OfflineModelProvider"],
    "_core.processes": ["ServiceProcess", "start_service"],
    "_core.server": [
        "DYNAMIC_CONFIG",
        "STATE_DIR",
        "DevServer",
        "current_server",
        "free_port",
        "open_private_log",
        "restart_dev_server",
        "start_dev_server",
        "temporal_cli_path",
    ],
    "_core.time_skipping": ["start_time_skipping"],
    "_core.updates": ["execute_update_or_explain"],
    "_core.waiting": ["wait_until"],
    "_core.worker": ["BackgroundWorker", "WorkerProcess", "running_workers", "start_worker", "start_worker_process"],
    # Views: what a notebook shows.
    "_views.approval_panel": ["ApprovalPanel"],
    "_views.chat": ["ChatBox", "chat_box", "format_transcript", "read_transcript", "say"],
    "_views.display": ["figure_png", "show_source"],
    "_views.history": ["HistoryTable", "first_workflow_task_failure", "history_table"],
    "_views.lesson_checks": ["model_called", "model_handed_off"],
    "_views.payloads": ["count_in_payloads", "decode_events", "payloads_in"],
    "_views.replay": ["ReplayOutcome", "history_workflow_type", "load_history", "replay", "save_history"],
    "_views.run_chain": ["RunChain", "run_chain"],
    "_views.streaming": ["ReplyBox", "StreamedReply", "stream_reply"],
    "_views.timeline": ["timeline"],
    # Production extras: notebook 10.
    "_extras.claim_check": ["LocalBlobStore", "claim_check"],
    "_extras.codec": ["EncryptionCodec", "create_key_file", "new_key"],
    "_extras.codec_server": ["CodecServer", "decode_with", "start_codec_server"],
    "_extras.tracing": ["start_tracing", "trace_request", "waterfall"],
}
"""Each public name, under the private module that defines it."""

_MODULE_OF = {name: module for module, names in _MODULES.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    """Load a public name's module the first time the name is used, then keep the name here."""
    if name not in _MODULE_OF:
        raise AttributeError(f"module 'shared' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"shared.{_MODULE_OF[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, for tab completion."""
    return __all__


if TYPE_CHECKING:  # what editors and type checkers read; tests/test_layout.py checks it matches _MODULES
    from shared._core.activities import MODEL_ACTIVITIES, RunningActivity, running_activities, wait_for_activity
    from shared._core.cli import temporal_cli
    from shared._core.connection import Connection, setup
    from shared._core.errors import CookbookError
    from shared._core.model_faults import ModelFault, inject_model_fault
    from shared._core.models import (
        MAX_TOKENS,
        MODEL_RETRY_POLICY,
        ModelChoice,
        agents_plugin,
        model_wait_s,
        select_model,
    )
    from shared._core.offline_model import OfflineModelProvider
    from shared._core.processes import ServiceProcess, start_service
    from shared._core.server import (
        DYNAMIC_CONFIG,
        STATE_DIR,
        DevServer,
        current_server,
        free_port,
        open_private_log,
        restart_dev_server,
        start_dev_server,
        temporal_cli_path,
    )
    from shared._core.time_skipping import start_time_skipping
    from shared._core.updates import execute_update_or_explain
    from shared._core.waiting import wait_until
    from shared._core.worker import (
        BackgroundWorker,
        WorkerProcess,
        running_workers,
        start_worker,
        start_worker_process,
    )
    from shared._extras.claim_check import LocalBlobStore, claim_check
    from shared._extras.codec import EncryptionCodec, create_key_file, new_key
    from shared._extras.codec_server import CodecServer, decode_with, start_codec_server
    from shared._extras.tracing import start_tracing, trace_request, waterfall
    from shared._views.approval_panel import ApprovalPanel
    from shared._views.chat import ChatBox, chat_box, format_transcript, read_transcript, say
    from shared._views.display import figure_png, show_source
    from shared._views.history import HistoryTable, first_workflow_task_failure, history_table
    from shared._views.lesson_checks import model_called, model_handed_off
    from shared._views.payloads import count_in_payloads, decode_events, payloads_in
    from shared._views.replay import ReplayOutcome, history_workflow_type, load_history, replay, save_history
    from shared._views.run_chain import RunChain, run_chain
    from shared._views.streaming import ReplyBox, StreamedReply, stream_reply
    from shared._views.timeline import timeline
