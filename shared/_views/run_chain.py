"""Follow a Workflow's continue-as-new chain, run by run, from its Event Histories.

Each run that continued as new ends with a ``WorkflowExecutionContinuedAsNew``
event naming the next run, so walking the histories gives the exact chain
(no waiting for the visibility index to catch up).
"""

from __future__ import annotations

from dataclasses import dataclass

from temporalio.api.enums.v1 import EventType
from temporalio.client import Client

_CLOSED = {
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: "completed",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED: "failed",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT: "timed out",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: "terminated",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED: "cancelled",
    EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: "continued as new",
}


@dataclass(frozen=True)
class Run:
    """One run of the chain: its position, id, how it ended (or "running") and the Updates it handled."""

    number: int
    run_id: str
    status: str
    updates: int


@dataclass(frozen=True)
class RunChain:
    """The runs of one Workflow Id, oldest first; prints as a small table."""

    workflow_id: str
    runs: list[Run]

    def __repr__(self) -> str:
        lines = [f"Workflow Id {self.workflow_id}: {len(self.runs)} run(s)"]
        lines += [f"  run {r.number}  {r.run_id}  {r.status:<16}  {r.updates} update(s)" for r in self.runs]
        return "\n".join(lines)


async def run_chain(client: Client, workflow_id: str, first_run_id: str) -> RunChain:
    """Walk from ``first_run_id`` through every continue-as-new to the latest run."""
    runs: list[Run] = []
    run_id: str | None = first_run_id
    while run_id:
        history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
        last = history.events[-1]
        status = _CLOSED.get(last.event_type, "running")
        updates = sum(
            1 for e in history.events if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED
        )
        runs.append(Run(len(runs) + 1, run_id, status, updates))
        cont = last.workflow_execution_continued_as_new_event_attributes
        run_id = cont.new_execution_run_id if status == "continued as new" else None
    return RunChain(workflow_id, runs)
