"""A research agent built to be crashed: slow tools, a flaky tool, a broken tool and one side effect.

Notebook 02 runs this module in a worker *process* and kills that process with
SIGKILL in the middle of a tool call. Every piece here shows one way Temporal
keeps the agent going:

* ``search_sources`` and ``read_sources`` are slow and heartbeat while they work,
  so a short ``heartbeat_timeout`` notices a dead worker within seconds;
* ``check_facts`` fails its first two attempts with a transient error and
  succeeds under the ``RetryPolicy``;
* ``query_archive`` raises a non-retryable ``ApplicationError``; the agent sees
  it as a tool result and carries on without it;
* ``send_notification`` writes one row to a SQLite outbox, keyed by Workflow id
  and Activity id, so a retried attempt never writes a second row.

The module has no side effects on import, so the Workflow sandbox can re-import it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.openai_agents import ModelActivityParameters
from temporalio.openai_agents.workflow import activity_as_tool

with workflow.unsafe.imports_passed_through():
    from agents import Agent, FunctionTool, ModelSettings, Runner, RunResult, function_tool

TASK_QUEUE = "research-agent"

ALL_TOOLS = ("search_sources", "read_sources", "check_facts", "query_archive", "send_notification")
"""Every tool the agent has, in the order the agent calls them."""

FLAKY_FAILURES = 2
"""How many attempts of ``check_facts`` fail before one succeeds."""

MODEL_PARAMS = ModelActivityParameters(
    start_to_close_timeout=timedelta(seconds=30),
    # The model Activity heartbeats on its own, so a crash during a model call is noticed in 2 s too.
    heartbeat_timeout=timedelta(seconds=2),
    # Five attempts, the first retry after 200 ms: a crash or a blip is retried at once, and a model
    # server that is down fails the call in about 3 s instead of being retried forever.
    retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=200), maximum_attempts=5),
)
"""How model calls run as Activities in this module's workers."""

WORKER_OPTIONS = {"sticky_queue_schedule_to_start_timeout": timedelta(seconds=2)}
"""After a crash, offer the next Workflow Task to the dead worker's cache for 2 s, not 10 s."""


@dataclass
class ResearchRequest:
    """What to research, and how the run is set up."""

    topic: str
    """What to research, passed to each tool ("Temporal", "durable execution")."""
    outbox_path: str
    """The SQLite file the notification is written to (passed in, never a global)."""
    tool_seconds: float = 1.0
    """How long each slow tool works: long enough to crash it, short enough to wait for."""
    heartbeat_timeout_s: float | None = 2.0
    """Heartbeat timeout of the slow tools; ``None`` leaves only ``start_to_close_timeout``."""
    start_to_close_s: float = 20.0
    """How long one attempt of a slow tool may take before Temporal gives up on it."""
    tools: list[str] = field(default_factory=lambda: list(ALL_TOOLS))
    """Which tools the agent uses this time."""
    notify_linger_s: float = 0.0
    """How long ``send_notification`` keeps working after its write: a window in which to crash it."""


@dataclass
class Notification:
    """One notification to write to the outbox."""

    outbox_path: str
    message: str
    linger_s: float = 0.0


async def work_with_heartbeats(seconds: float, step: float = 0.1) -> None:
    """Do ``seconds`` of slow work, heartbeating as it goes so a crash is noticed quickly."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while (left := end - loop.time()) > 0:
        activity.heartbeat()
        await asyncio.sleep(min(step, left))


@activity.defn
async def search_sources(topic: str, seconds: float = 1.0) -> str:
    """Search for sources about a topic (slow)."""
    await work_with_heartbeats(seconds)
    return f"3 sources on {topic}"


@activity.defn
async def read_sources(topic: str, seconds: float = 1.0) -> str:
    """Read the sources found for a topic (slow)."""
    await work_with_heartbeats(seconds)
    return f"notes on {topic} taken"


@activity.defn
async def check_facts(topic: str) -> str:
    """Check the facts about a topic against a service that is flaky at first."""
    attempt = activity.info().attempt
    if attempt <= FLAKY_FAILURES:
        raise RuntimeError(f"fact service busy (attempt {attempt}), try again")
    return f"facts on {topic} checked"


@activity.defn
async def query_archive(topic: str) -> str:
    """Query the paper archive about a topic. The archive is gone: retrying cannot help."""
    raise ApplicationError(f"the archive has no entry for {topic}", type="ArchiveGone", non_retryable=True)


OUTBOX_SCHEMA = "CREATE TABLE IF NOT EXISTS outbox (key TEXT PRIMARY KEY, message TEXT NOT NULL)"


@activity.defn
async def send_notification(note: Notification) -> str:
    """Write the notification to the outbox once, however often this Activity is retried.

    The key is the Workflow id plus the Activity id. Both stay the same across
    retries and crashes, so a second attempt's INSERT is ignored.
    """
    info = activity.info()
    key = f"{info.workflow_id}/{info.activity_id}"
    with sqlite3.connect(note.outbox_path, timeout=10) as db:
        db.execute(OUTBOX_SCHEMA)
        db.execute("INSERT OR IGNORE INTO outbox (key, message) VALUES (?, ?)", (key, note.message))
    await work_with_heartbeats(note.linger_s)  # a crash here: written, but Temporal never heard the Activity finish
    return f"notification sent: {note.message}"


def read_outbox(outbox_path: str) -> list[tuple[str, str]]:
    """Every row of the outbox, as (key, message), in key order."""
    with sqlite3.connect(outbox_path) as db:
        db.execute(OUTBOX_SCHEMA)
        return list(db.execute("SELECT key, message FROM outbox ORDER BY key"))


def errors_as_results(tool: FunctionTool) -> FunctionTool:
    """Return the tool so that a failed Activity becomes a tool result the model reads.

    Without this, a tool whose Activity fails for good fails the whole agent run.
    """
    invoke: Callable[[Any, str], Awaitable[Any]] = tool.on_invoke_tool

    async def invoke_reporting_errors(ctx: Any, arguments: str) -> Any:
        try:
            return await invoke(ctx, arguments)
        except ActivityError as err:
            cause = err.cause.message if err.cause is not None else str(err)
            return f"{tool.name} failed: {cause}"

    return FunctionTool(
        name=tool.name,
        description=tool.description,
        params_json_schema=tool.params_json_schema,
        on_invoke_tool=invoke_reporting_errors,
        strict_json_schema=tool.strict_json_schema,
    )


def not_called(result: RunResult, names: list[str]) -> list[str]:
    """The tools in ``names`` that no reply of the run has called yet, in order."""
    called = {item.get("name") for item in result.to_input_list() if item.get("type") == "function_call"}
    return [name for name in names if name not in called]


@workflow.defn
class ResearchAgentWorkflow:
    """A research agent whose every model call and tool call is an Activity."""

    @workflow.run
    async def run(self, request: ResearchRequest) -> str:
        """Research the topic with the chosen tools and return the agent's answer."""
        tools = [t for t in self.tools(request) if t.name in request.tools]
        agent = Agent(
            name="Research Assistant",
            instructions="You research a topic. Use these tools in order: " + ", ".join(t.name for t in tools) + ".",
            tools=tools,
            # Each tool builds on the one before, so one call per reply (real models honour this too).
            model_settings=ModelSettings(parallel_tool_calls=False),
        )
        result = await Runner.run(agent, f"Research the history of {request.topic}.")
        # A model may answer before it has used every tool. The Workflow, not the model, decides that the
        # research is complete: it asks for the next missing tool by name, in the same conversation.
        for _ in tools:  # at most one reminder per tool, so a model that never calls one cannot loop forever
            missing = not_called(result, [t.name for t in tools])
            if not missing:
                break
            reminder = {"role": "user", "content": f"Now use {missing[0]}."}
            result = await Runner.run(agent, [*result.to_input_list(), reminder])
        return result.final_output

    def tools(self, request: ResearchRequest) -> list[FunctionTool]:
        """The agent's tools, each an Activity with the timeouts and retries it needs."""
        heartbeat = timedelta(seconds=request.heartbeat_timeout_s) if request.heartbeat_timeout_s else None
        slow = {
            "start_to_close_timeout": timedelta(seconds=request.start_to_close_s),
            "heartbeat_timeout": heartbeat,
            "retry_policy": RetryPolicy(initial_interval=timedelta(milliseconds=200)),
        }
        seconds = request.tool_seconds

        @function_tool(name_override="search_sources")
        async def search_sources_tool(topic: str) -> str:
            """Search for sources about a topic."""
            return await workflow.execute_activity(search_sources, args=[topic, seconds], **slow)

        @function_tool(name_override="read_sources")
        async def read_sources_tool(topic: str) -> str:
            """Read the sources found for a topic."""
            return await workflow.execute_activity(read_sources, args=[topic, seconds], **slow)

        @function_tool(name_override="send_notification")
        async def send_notification_tool(message: str) -> str:
            """Send a notification that the research is done."""
            note = Notification(request.outbox_path, f"research on {message} is done", request.notify_linger_s)
            return await workflow.execute_activity(send_notification, note, **slow)

        retry_fast = RetryPolicy(initial_interval=timedelta(milliseconds=200), backoff_coefficient=1.0)
        return [
            search_sources_tool,
            read_sources_tool,
            activity_as_tool(check_facts, start_to_close_timeout=timedelta(seconds=10), retry_policy=retry_fast),
            errors_as_results(activity_as_tool(query_archive, start_to_close_timeout=timedelta(seconds=10))),
            send_notification_tool,
        ]


WORKFLOWS = [ResearchAgentWorkflow]
ACTIVITIES = [search_sources, read_sources, check_facts, query_archive, send_notification]
SETUP_OPTIONS = {"model_params": MODEL_PARAMS}  # what a Worker process passes to shared.setup()
