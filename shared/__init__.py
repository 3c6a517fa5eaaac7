"""Helpers the notebooks import: the embedded server, workers, model choice and history views.

Every notebook starts with ``conn = await setup()``; the rest is plain Temporal.
"""

from shared.claim_check import LocalBlobStore, claim_check
from shared.cli import temporal_cli
from shared.codec import EncryptionCodec, create_key_file, new_key
from shared.codec_server import CodecServer, decode_with, start_codec_server
from shared.connection import Connection, WebUILink, setup
from shared.crash import RunningActivity, running_activities, wait_for_activity
from shared.display import show_source
from shared.errors import CookbookError
from shared.history import HistoryTable, Step, first_workflow_task_failure, history_table
from shared.limits import PAYLOAD_LIMIT_BYTES, execute_update_or_explain
from shared.models import ModelChoice, agents_plugin, select_model
from shared.payloads import count_in_payloads, decode_events, payload_bytes, payloads_in
from shared.server import DevServer, current_server, restart_dev_server, start_dev_server, temporal_cli_path
from shared.time_skipping import start_time_skipping, test_server_path
from shared.timeline import Timeline, TimelinePicture, timeline
from shared.tracing import Tracing, Waterfall, start_tracing, trace_request, waterfall
from shared.worker import BackgroundWorker, WorkerProcess, running_workers, start_worker, start_worker_process

__all__ = [
    "BackgroundWorker",
    "CodecServer",
    "Connection",
    "CookbookError",
    "DevServer",
    "EncryptionCodec",
    "HistoryTable",
    "LocalBlobStore",
    "ModelChoice",
    "PAYLOAD_LIMIT_BYTES",
    "RunningActivity",
    "Step",
    "Timeline",
    "TimelinePicture",
    "Tracing",
    "Waterfall",
    "WebUILink",
    "WorkerProcess",
    "agents_plugin",
    "claim_check",
    "count_in_payloads",
    "create_key_file",
    "current_server",
    "decode_events",
    "decode_with",
    "execute_update_or_explain",
    "first_workflow_task_failure",
    "history_table",
    "new_key",
    "payload_bytes",
    "payloads_in",
    "restart_dev_server",
    "running_activities",
    "running_workers",
    "select_model",
    "setup",
    "show_source",
    "start_codec_server",
    "start_dev_server",
    "start_time_skipping",
    "start_tracing",
    "start_worker",
    "start_worker_process",
    "temporal_cli",
    "temporal_cli_path",
    "test_server_path",
    "timeline",
    "trace_request",
    "wait_for_activity",
    "waterfall",
]
