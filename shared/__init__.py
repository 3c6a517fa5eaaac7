"""Helpers the notebooks import: the embedded server, workers, model choice, history views and widgets.

Every notebook starts with ``conn = await setup()``; the rest is plain Temporal.

Two rules keep this package simple:

* Notebooks import from here, ``from shared import setup, history_table, ...``,
  never from a submodule: the names below are the public API, and the
  submodules may move. Anything not listed is an internal of its submodule.
* ``shared`` never imports ``recipes``. Recipes (Workflows, Activities and the
  drivers that run them) build on ``shared``, not the other way round; a helper
  that needs a Workflow's Update or Query takes it as a parameter, as
  ``ApprovalPanel`` does.
"""

from shared.approval_panel import ApprovalPanel
from shared.chat import ChatBox, chat_box, format_transcript, read_transcript, say
from shared.claim_check import LocalBlobStore, claim_check
from shared.cli import temporal_cli
from shared.codec import EncryptionCodec, create_key_file, new_key
from shared.codec_server import CodecServer, decode_with, start_codec_server
from shared.connection import Connection, setup
from shared.display import show_source
from shared.errors import CookbookError
from shared.history import HistoryTable, first_workflow_task_failure, history_table
from shared.limits import execute_update_or_explain
from shared.models import agents_plugin, select_model
from shared.payloads import count_in_payloads, decode_events, payload_bytes, payloads_in
from shared.pending_activities import RunningActivity, running_activities, wait_for_activity
from shared.replay import ReplayOutcome, history_workflow_type, load_history, replay, save_history
from shared.run_chain import RunChain, run_chain
from shared.server import current_server, free_port, restart_dev_server, temporal_cli_path
from shared.services import ServiceProcess, start_service
from shared.streaming import ReplyBox, StreamedReply, stream_reply
from shared.time_skipping import start_time_skipping
from shared.timeline import timeline
from shared.tracing import start_tracing, trace_request, waterfall
from shared.waiting import wait_until
from shared.worker import running_workers, start_worker, start_worker_process

__all__ = [
    "ApprovalPanel",
    "ChatBox",
    "CodecServer",
    "Connection",
    "CookbookError",
    "EncryptionCodec",
    "HistoryTable",
    "LocalBlobStore",
    "ReplayOutcome",
    "ReplyBox",
    "RunChain",
    "RunningActivity",
    "ServiceProcess",
    "StreamedReply",
    "agents_plugin",
    "chat_box",
    "claim_check",
    "count_in_payloads",
    "create_key_file",
    "current_server",
    "decode_events",
    "decode_with",
    "execute_update_or_explain",
    "first_workflow_task_failure",
    "format_transcript",
    "free_port",
    "history_table",
    "history_workflow_type",
    "load_history",
    "new_key",
    "payload_bytes",
    "payloads_in",
    "read_transcript",
    "replay",
    "restart_dev_server",
    "run_chain",
    "running_activities",
    "running_workers",
    "save_history",
    "say",
    "select_model",
    "setup",
    "show_source",
    "start_codec_server",
    "start_service",
    "start_time_skipping",
    "start_tracing",
    "start_worker",
    "start_worker_process",
    "stream_reply",
    "temporal_cli",
    "temporal_cli_path",
    "timeline",
    "trace_request",
    "wait_for_activity",
    "wait_until",
    "waterfall",
]
