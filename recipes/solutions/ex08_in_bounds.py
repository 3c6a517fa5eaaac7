"""Solution to the exercise of notebook 08 (keeping agents in bounds).

1. ``ReviewedSupportWorkflow``: when the input guardrail trips, a human
   decides through an Update (notebook 03's pattern) instead of the run
   ending blocked.

``tests/test_exercises_08.py`` checks it, and the starter in
``recipes/exercises/ex08_in_bounds.py``, the same way.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from agents import InputGuardrailTripwireTriggered, RunConfig

from recipes.nb03_human_approval.approval_agent import Decision
from recipes.nb07_teams_of_agents.support_team import run_agent, specialists, triage_agent
from recipes.nb08_keeping_agents_in_bounds import guarded_team
from recipes.nb08_keeping_agents_in_bounds.guarded_team import CARD_NUMBER, SupportOutcome, guardrails, within_policy

WAITING = "waiting for review"


# ---------------------------------------------------------------- exercise 1


@workflow.defn
class ReviewedSupportWorkflow:
    """Exercise 1: a tripped input guardrail asks a human, by Update, instead of ending the run."""

    @workflow.init
    def __init__(self, ticket: str) -> None:
        self.decision: Decision | None = None
        self._status = "working"

    @workflow.run
    async def run(self, ticket: str) -> SupportOutcome:
        """Answer; if the ticket holds a card number, wait for a reviewer and go on without it, or stop."""
        try:
            result = await run_agent(triage_agent(specialists()), ticket, run_config=guardrails())
            return SupportOutcome("answered", result.final_output)
        except InputGuardrailTripwireTriggered as trip:
            guardrail = trip.guardrail_result.guardrail.get_name()
        self._status = WAITING
        await workflow.wait_condition(lambda: self.decision is not None)
        assert self.decision is not None
        decision = self.decision
        self._status = "working" if decision.approved else "done"
        if not decision.approved:
            return SupportOutcome("blocked", f"{decision.reviewer} rejected it: {decision.comment}", guardrail)
        redacted = CARD_NUMBER.sub("[card number removed]", ticket)
        result = await run_agent(
            triage_agent(specialists()), redacted, run_config=RunConfig(output_guardrails=[within_policy])
        )
        self._status = "done"
        return SupportOutcome("answered", result.final_output)

    @workflow.update
    def review(self, decision: Decision) -> str:
        """A reviewer decides: approved sends the ticket on with the card number removed."""
        self.decision = decision
        return "Sent on without the card number." if decision.approved else "Stopped."

    @review.validator
    def check_review(self, decision: Decision) -> None:
        """Only one decision, and only while a ticket waits for one; a rejection says why."""
        if self._status != WAITING or self.decision is not None:
            raise ValueError(f"Nothing to review: the run is {self._status}.")
        if not decision.approved and not decision.comment.strip():
            raise ValueError("A rejection needs a comment saying why.")

    @workflow.query
    def status(self) -> str:
        """``working``, ``waiting for review`` or ``done``."""
        return self._status


WORKFLOWS = [ReviewedSupportWorkflow]
ACTIVITIES = guarded_team.ACTIVITIES
