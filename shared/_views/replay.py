"""Replay a recorded Event History against Workflow code, with one clear line as the verdict.

Replay is how Temporal checks that new code still fits runs that started on
old code: the Worker re-executes the Workflow against the recorded history and
fails if the code now issues different commands. These helpers save a history
to JSON, load it back with a clear error when the file is not what you think,
and turn the Replayer's verdict into a one-line ``ReplayOutcome``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import WorkflowHandle, WorkflowHistory
from temporalio.converter import DataConverter, ExternalStorage
from temporalio.worker import Replayer

from shared._core.errors import CookbookError, check_type
from shared._core.models import agents_plugin

_FAILURE_MESSAGE = re.compile(r'message: "((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class ReplayOutcome:
    """Whether a history replayed cleanly against a Workflow class, and why not if it did not."""

    workflow: str
    ok: bool
    message: str = ""

    def __repr__(self) -> str:
        verdict = "replay passed" if self.ok else f"replay FAILED: {self.message}"
        return f"{self.workflow}: {verdict}"


async def save_history(handle: WorkflowHandle, path: str | os.PathLike[str]) -> Path:
    """Write the Workflow's Event History to a JSON file (the format the Web UI and CLI export)."""
    history = await handle.fetch_history()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(history.to_json())
    return target


def history_workflow_type(history: WorkflowHistory) -> str:
    """The Workflow type the history was recorded for, from its first event."""
    first = history.events[0] if history.events else None
    if first is None or not first.HasField("workflow_execution_started_event_attributes"):
        raise CookbookError("The history does not start with WorkflowExecutionStarted, so it cannot be replayed.")
    return first.workflow_execution_started_event_attributes.workflow_type.name


def load_history(path: str | os.PathLike[str], workflow_id: str | None = None) -> WorkflowHistory:
    """Read a history JSON file, refusing with one clear line a file that is not an Event History."""
    source = Path(path)
    try:
        data = json.loads(source.read_text())
        history = WorkflowHistory.from_json(workflow_id or source.stem, data)
    except FileNotFoundError:
        raise CookbookError(f"No history file named {source.name}.") from None
    except (ValueError, TypeError, KeyError, AttributeError) as err:
        raise CookbookError(f"{source.name} is not a Temporal Event History in JSON ({type(err).__name__}).") from None
    if not history.events:
        raise CookbookError(f"{source.name} has no events, so there is nothing to replay.")
    return history


async def replay(
    history: WorkflowHistory | str | os.PathLike[str],
    workflow: type,
    *,
    external_storage: ExternalStorage | None = None,
) -> ReplayOutcome:
    """Replay the history against ``workflow`` (a ``@workflow.defn`` class) with the Agents plugin.

    A history recorded with a claim check needs the same store to read its
    payloads back: pass it as ``external_storage`` (as given to ``setup()``).
    A history recorded for another Workflow type is refused before replay with
    a ``CookbookError``: it says which type the file holds and which you gave.
    """
    what = "an ExternalStorage: pass the claim_check(directory) the run used"
    check_type("replay", "external_storage", external_storage, (ExternalStorage, type(None)), what)
    if not isinstance(history, WorkflowHistory):
        history = load_history(history)
    defn = getattr(workflow, "__temporal_workflow_definition", None)
    if defn is None:
        raise CookbookError(f"{getattr(workflow, '__name__', workflow)!r} is not a @workflow.defn class.")
    recorded = history_workflow_type(history)
    if recorded != defn.name:
        raise CookbookError(
            f"This history was recorded by Workflow type {recorded!r}, but {workflow.__name__} is Workflow type "
            f"{defn.name!r}: replay a history against the code of the same Workflow type."
        )
    replayer = Replayer(
        workflows=[workflow],
        plugins=[agents_plugin()],
        data_converter=DataConverter(external_storage=external_storage),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    if result.replay_failure is None:
        return ReplayOutcome(workflow.__name__, True)
    return ReplayOutcome(workflow.__name__, False, _first_message(result.replay_failure))


def _first_message(err: BaseException) -> str:
    """The core's failure message, without the Rust debug wrapping around it."""
    text = str(err)
    match = _FAILURE_MESSAGE.search(text)
    return match.group(1).replace('\\"', '"') if match else text.splitlines()[0]
