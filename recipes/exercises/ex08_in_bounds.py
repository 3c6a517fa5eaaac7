"""The exercise of notebook 08 (keeping agents in bounds). Edit the TODOs, then check your work.

Check from a terminal (it starts its own Temporal server and Worker, so your
edits take effect every time you run it)::

    make exercises NB=08

1. A guardrail that asks a human: when the card-number guardrail trips, wait
   for a reviewer's decision through the ``review`` Update (notebook 03's
   pattern) instead of ending the run blocked.

The solution is in ``recipes/solutions/ex08_in_bounds.py``; try first.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agents import InputGuardrailTripwireTriggered

from recipes.nb03_human_approval.approval_agent import Decision
from recipes.nb07_teams_of_agents.support_team import run_agent, specialists, triage_agent
from recipes.nb08_keeping_agents_in_bounds import guarded_team
from recipes.nb08_keeping_agents_in_bounds.guarded_team import (  # noqa: F401 (you will need them)
    CARD_NUMBER,
    SupportOutcome,
    guardrails,
    within_policy,
)

WAITING = "waiting for review"


# ---------------------------------------------------------------- exercise 1


@workflow.defn
class ReviewedSupportWorkflow:
    """Exercise 1: a tripped input guardrail should ask a human instead of ending the run."""

    @workflow.init
    def __init__(self, ticket: str) -> None:
        self.decision: Decision | None = None
        self._status = "working"

    @workflow.run
    async def run(self, ticket: str) -> SupportOutcome:
        """Answer the ticket, or stop if it holds a card number."""
        try:
            result = await run_agent(triage_agent(specialists()), ticket, run_config=guardrails())
            return SupportOutcome("answered", result.final_output)
        except InputGuardrailTripwireTriggered as trip:
            guardrail = trip.guardrail_result.guardrail.get_name()
        # TODO 1a: instead of stopping, set self._status = WAITING and wait (workflow.wait_condition) for
        # the review Update. If approved, run the team again on the ticket with the card number removed
        # (CARD_NUMBER, imported above) and only the output guardrail; if rejected, return a "blocked"
        # outcome whose text carries the reviewer's comment, and keep the guardrail's name.
        return SupportOutcome("blocked", "The ticket contains a card number.", guardrail)

    @workflow.update
    def review(self, decision: Decision) -> str:
        """A reviewer decides whether the ticket goes on without its card number."""
        # TODO 1b: record the decision and return a short confirmation. Add a validator (notebook 03's
        # approval Workflow has one) that refuses a rejection without a comment saying why, and a decision
        # when no ticket is waiting for one.
        return "TODO"

    @workflow.query
    def status(self) -> str:
        """``working``, ``waiting for review`` or ``done``."""
        return self._status


WORKFLOWS = [ReviewedSupportWorkflow]
ACTIVITIES = guarded_team.ACTIVITIES
