"""Keep Temporal's and the Agents SDK's own logs out of notebook cells and in a file you can read.

The Rust core writes warnings straight to the process's stderr, which
ipykernel shows in whatever cell is running, with timestamps and run ids that
change every time. The Python SDK logs retries and failed Activities the same
way, and the Agents SDK logs a ``[non-fatal] Tracing ...`` warning for every
trace upload that fails. All of it is useful when debugging and noise in a
lesson, so the cookbook sends it to
``<tmp>/durable-agents-cookbook-<uid>/temporal-<pid>.log``, readable by you only.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from temporalio.runtime import LogForwardingConfig, LoggingConfig, Runtime, TelemetryConfig, TelemetryFilter

from shared._core.server import open_log, private_state_dir

_log_file: Path | None = None


def route_temporal_logs_to_file() -> Path:
    """Send core and SDK logs to a file, once per process, and return its path."""
    global _log_file
    if _log_file is not None:
        return _log_file
    _log_file = private_state_dir() / f"temporal-{os.getpid()}.log"
    open_log(_log_file).close()  # made readable by you only before the handler appends to it
    handler = logging.FileHandler(_log_file)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("temporalio", "openai.agents"):
        sdk_logger = logging.getLogger(name)
        sdk_logger.addHandler(handler)
        sdk_logger.propagate = False
    forwarding = LogForwardingConfig(logger=logging.getLogger("temporalio.core"))
    core_filter = TelemetryFilter(core_level="WARN", other_level="ERROR")
    logging_config = LoggingConfig(filter=core_filter, forwarding=forwarding)
    Runtime.set_default(Runtime(telemetry=TelemetryConfig(logging=logging_config)), error_if_already_set=False)
    return _log_file
