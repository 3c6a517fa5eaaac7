"""Helpers the notebooks import: the embedded server, workers, model choice and history views.

Every notebook starts with ``conn = await setup()``; the rest is plain Temporal.
"""

from shared.connection import Connection, WebUILink, setup
from shared.crash import RunningActivity, running_activities, wait_for_activity
from shared.display import show_source
from shared.errors import CookbookError
from shared.history import HistoryTable, Step, first_workflow_task_failure, history_table
from shared.models import ModelChoice, agents_plugin, select_model
from shared.server import DevServer, current_server, free_port, restart_dev_server, start_dev_server
from shared.services import ServiceProcess, start_service
from shared.streaming import ReplyBox, StreamedReply, stream_reply
from shared.time_skipping import start_time_skipping, test_server_path
from shared.timeline import Timeline, TimelinePicture, timeline
from shared.worker import BackgroundWorker, WorkerProcess, running_workers, start_worker, start_worker_process

__all__ = [
    "BackgroundWorker",
    "Connection",
    "CookbookError",
    "DevServer",
    "HistoryTable",
    "ModelChoice",
    "ReplyBox",
    "RunningActivity",
    "ServiceProcess",
    "Step",
    "StreamedReply",
    "Timeline",
    "TimelinePicture",
    "WebUILink",
    "WorkerProcess",
    "agents_plugin",
    "current_server",
    "first_workflow_task_failure",
    "free_port",
    "history_table",
    "restart_dev_server",
    "running_activities",
    "running_workers",
    "select_model",
    "setup",
    "show_source",
    "start_dev_server",
    "start_service",
    "start_time_skipping",
    "start_worker",
    "start_worker_process",
    "stream_reply",
    "test_server_path",
    "timeline",
    "wait_for_activity",
]
