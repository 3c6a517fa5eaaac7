"""A task longer than a history: one agent run that reads page after page, and how to keep its history bounded.

``ReadingWorkflow`` gives a reader agent one natural task: read each of these
pages, then summarise them. Its one tool, ``read_page``, is an Activity that
returns a long page. The agent reads one page per model call
(``parallel_tool_calls=False``, which real models honour), so a task of N
pages is about N + 1 model calls in one ``Runner.run``. Every model call's
input holds every page read so far, and the Event History records every
input: the history grows with the square of the model calls, until one input
passes the 2 MB payload limit or the run passes the 50 MB history limit
(temporalio/sdk-python#1890).

Two fixes, each a setting of the same Workflow:

* a claim check (``setup(external_storage=claim_check(...))`` on the Worker and
  the client): large model inputs live in a store, the history keeps a claim;
* a budget of model calls per run (``model_calls_per_run``): ``Runner.run``
  stops after that many calls (``max_turns``, raising ``MaxTurnsExceeded`` with
  the items so far), and the Workflow continues as new with what ``carry``
  keeps of those items: every page it has read cut to its first
  ``keep_chars`` characters. The next run sees which pages it read and goes
  on with the rest.

``history_per_model_call`` and ``pages_read`` (client side) walk every run of
the chain: the current run's history size at each model call, and the pages
the tool read. The module has no
side effects on import, so the sandbox can re-import it.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from temporalio import activity, workflow
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client
from temporalio.openai_agents.workflow import activity_as_tool

with workflow.unsafe.imports_passed_through():  # the sandbox reuses these modules instead of importing them again
    from agents import Agent, ItemHelpers, MaxTurnsExceeded, ModelSettings, Runner

    from shared import MODEL_ACTIVITIES

TASK_QUEUE = "nb12-long-task"
PAGE_CHARS = 8_000
"""How long each page is: about 1,300 words, a page of a manual or a long search result."""
INSTRUCTIONS = "You are a careful researcher. Read pages with read_page, one at a time, then answer."
CUT_NOTE = " [... cut to {keep} of {total:,} characters when the run continued as new]"


@activity.defn
async def read_page(page_id: str) -> str:
    """Read one page of the manual by its id, such as P-001."""
    line = f"Page {page_id}: the pump's service interval, its spare parts and the checks before a restart. "
    return (line * (PAGE_CHARS // len(line) + 1))[:PAGE_CHARS]


def page_ids(count: int) -> list[str]:
    """The ids of ``count`` pages: P-001, P-002, ..."""
    return [f"P-{n:03d}" for n in range(1, count + 1)]


def reading_task(pages: Sequence[str]) -> str:
    """The user's request: read every page, then summarise."""
    return f"Read each of these pages, then summarise them: {', '.join(pages)}."


@dataclass
class LongTaskInput:
    """The task, the budget of model calls per run (``None``: no budget), and what a continued run carries."""

    pages: list[str]
    model_calls_per_run: int | None = None
    keep_chars: int = 200
    max_model_calls: int = 1_000
    """The Agents SDK's ``max_turns`` for the whole task; its default of 10 is far too few here."""
    items: list[dict[str, Any]] = field(default_factory=list)
    model_calls: int = 0
    run_number: int = 1


@dataclass
class LongTaskResult:
    """How the task ended: the answer's length (not the answer: it can be long), its model calls and runs."""

    answer_chars: int
    model_calls: int
    runs: int


def cut_pages(items: list[dict[str, Any]], keep_chars: int) -> list[dict[str, Any]]:
    """The items with every tool output cut to ``keep_chars`` characters and a note saying so."""
    cut = []
    for item in items:
        output = item.get("output")
        if item.get("type") == "function_call_output" and isinstance(output, str) and len(output) > keep_chars:
            item = {**item, "output": output[:keep_chars] + CUT_NOTE.format(keep=keep_chars, total=len(output))}
        cut.append(item)
    return cut


@workflow.defn
class ReadingWorkflow:
    """One agent run over many pages, split into runs of at most ``model_calls_per_run`` model calls."""

    @workflow.run
    async def run(self, task: LongTaskInput) -> LongTaskResult:
        """Read every page and summarise; continue as new when this run's budget of model calls is spent."""
        agent = Agent(
            name="Reader",
            instructions=INSTRUCTIONS,
            tools=[activity_as_tool(read_page, start_to_close_timeout=timedelta(seconds=10))],
            model_settings=ModelSettings(parallel_tool_calls=False),
        )
        left = task.max_model_calls - task.model_calls
        budget = min(left, task.model_calls_per_run) if task.model_calls_per_run else left
        items = task.items or [{"role": "user", "content": reading_task(task.pages)}]
        try:
            result = await Runner.run(agent, items, max_turns=budget)  # type: ignore[arg-type]
        except MaxTurnsExceeded as spent:
            if task.model_calls_per_run is None or spent.run_data is None or budget == left:
                raise  # the whole task's limit, not this run's budget
            so_far = ItemHelpers.input_to_new_input_list(spent.run_data.input)
            so_far += [item.to_input_item() for item in spent.run_data.new_items]
            carried = self.carry([dict(item) for item in so_far], task)
            workflow.continue_as_new(
                dataclasses.replace(
                    task, items=carried, model_calls=task.model_calls + budget, run_number=task.run_number + 1
                )
            )
        calls = task.model_calls + len(result.raw_responses)
        return LongTaskResult(len(str(result.final_output)), calls, task.run_number)

    def carry(self, items: list[dict[str, Any]], task: LongTaskInput) -> list[dict[str, Any]]:
        """What the next run carries of this run's items: every page cut to ``task.keep_chars`` characters."""
        return cut_pages(items, task.keep_chars)


@dataclass
class ModelCall:
    """The history of the run that made one model call, right after the call was scheduled."""

    call: int
    run: int
    history_bytes: int
    """The serialized size of the run's events so far, which is what Temporal's 50 MB limit counts."""
    input_bytes: int
    """This call's input as the history stores it: the whole input, or a claim when a claim check holds it."""


async def events_of_chain(client: Client, workflow_id: str) -> AsyncIterator[tuple[int, HistoryEvent]]:
    """Every event of every run of the task, first run first, each with its run's number (1, 2, ...)."""
    latest = await client.get_workflow_handle(workflow_id).describe()
    run_id: str | None = latest.raw_description.workflow_execution_info.first_run_id or latest.run_id
    run = 0
    while run_id:
        run += 1
        next_run_id = None
        async for event in client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history_events():
            yield run, event
            if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
                next_run_id = event.workflow_execution_continued_as_new_event_attributes.new_execution_run_id
        run_id = next_run_id


async def history_per_model_call(client: Client, workflow_id: str) -> list[ModelCall]:
    """The current run's history size at each model call of the task, across every run."""
    calls: list[ModelCall] = []
    sizes: dict[int, int] = {}
    async for run, event in events_of_chain(client, workflow_id):
        sizes[run] = sizes.get(run, 0) + event.ByteSize()
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attributes = event.activity_task_scheduled_event_attributes
            if attributes.activity_type.name in MODEL_ACTIVITIES:
                calls.append(ModelCall(len(calls) + 1, run, sizes[run], attributes.input.ByteSize()))
    return calls


async def pages_read(client: Client, workflow_id: str) -> list[tuple[int, str]]:
    """Every page ``read_page`` was asked for, across every run of the task, in order: (run, page id)."""
    pages = []
    async for run, event in events_of_chain(client, workflow_id):
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attributes = event.activity_task_scheduled_event_attributes
            if attributes.activity_type.name == read_page.__name__:
                pages.append((run, json.loads(attributes.input.payloads[0].data)))
    return pages


WORKFLOWS = [ReadingWorkflow]
ACTIVITIES = [read_page]
