"""Notebook 07's support team, kept in bounds by your code.

Notebook 08 runs the places where Workflow code, not the model, has the last word:

* ``TicketRouterWorkflow``: a classifier with a Pydantic ``output_type``, read
  by Workflow code that branches on it (and pages on-call when it is urgent);
* ``GuardedSupportWorkflow``: notebook 07's handoff team behind an input
  guardrail and an output guardrail, and a tripped one reported as an
  outcome, not a crash.

Both run their agents with notebook 07's ``run_agent``, which turns a model's
misbehaviour (a handoff to an agent that does not exist, an answer that does
not fit the output type) into one clear, non-retryable failure.

The module has no side effects on import, so the Workflow sandbox can re-import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel
from temporalio import activity, workflow

from recipes.nb07_teams_of_agents import support_team
from recipes.nb07_teams_of_agents.support_team import (
    billing_specialist,
    refund_specialist,
    run_agent,
    specialists,
    technical_specialist,
    triage_agent,
)

with workflow.unsafe.imports_passed_through():
    from agents import (
        Agent,
        GuardrailFunctionOutput,
        InputGuardrailTripwireTriggered,
        OutputGuardrailTripwireTriggered,
        RunConfig,
        RunContextWrapper,
        Runner,
        input_guardrail,
        output_guardrail,
    )

# ---------------------------------------------------------------- Activities


@activity.defn
async def page_on_call(summary: str) -> str:
    """Page the on-call engineer about an urgent ticket (a real system would call a pager here)."""
    return "on-call engineer paged"


# ---------------------------------------------------------------- structured output


class TicketTriage(BaseModel):
    """The classifier's verdict on a ticket, as a type the Workflow code can branch on."""

    category: Literal["billing", "technical", "refund"]
    urgent: bool
    summary: str


@dataclass
class RoutedTicket:
    """Where the Workflow code sent the ticket, and the specialist's answer."""

    category: str
    urgent: bool
    handled_by: str
    answer: str


@workflow.defn
class TicketRouterWorkflow:
    """A classifier fills ``TicketTriage``; plain Workflow code decides who handles the ticket."""

    @workflow.run
    async def run(self, ticket: str) -> RoutedTicket:
        """Classify, page on-call if urgent, then run the specialist the category names."""
        classifier = Agent(
            name="Classifier",
            instructions="Classify the support ticket. It is urgent only if customers cannot use the product.",
            output_type=TicketTriage,
        )
        triage = (await run_agent(classifier, ticket)).final_output_as(TicketTriage)
        if triage.urgent:
            await workflow.execute_activity(page_on_call, triage.summary, start_to_close_timeout=timedelta(seconds=10))
        specialist = {
            "billing": billing_specialist,
            "technical": technical_specialist,
            "refund": refund_specialist,
        }[triage.category]()
        answer = (await run_agent(specialist, ticket)).final_output
        return RoutedTicket(triage.category, triage.urgent, specialist.name, answer)


# ---------------------------------------------------------------- guardrails

CARD_NUMBER = re.compile(r"\b(?:\d[ -]?){12,15}\d\b")
"""13 to 16 digits, maybe grouped by spaces or dashes: what a payment card number looks like."""


@input_guardrail(run_in_parallel=False)
def no_card_numbers(ctx: RunContextWrapper[Any], agent: Agent, ticket: Any) -> GuardrailFunctionOutput:
    """Stop a ticket that contains a card number before any model sees it (plain code, no model call)."""
    found = bool(CARD_NUMBER.search(str(ticket)))
    return GuardrailFunctionOutput(output_info="a card number" if found else "none", tripwire_triggered=found)


class PolicyVerdict(BaseModel):
    """The policy checker's verdict on a reply."""

    allowed: bool
    reason: str


@output_guardrail
async def within_policy(ctx: RunContextWrapper[Any], agent: Agent, reply: Any) -> GuardrailFunctionOutput:
    """Have a checker agent read the reply before the customer does (its model call is an Activity too)."""
    checker = Agent(
        name="Policy Checker",
        instructions=(
            "Read a support reply. allowed is false if it promises compensation beyond a refund, "
            "shares internal data, or is rude; otherwise true. Give the reason in one sentence."
        ),
        output_type=PolicyVerdict,
    )
    verdict = (await Runner.run(checker, str(reply))).final_output_as(PolicyVerdict)
    return GuardrailFunctionOutput(output_info=verdict.reason, tripwire_triggered=not verdict.allowed)


@dataclass
class SupportOutcome:
    """How a guarded run ended: ``answered``, or ``blocked`` by a named guardrail."""

    status: Literal["answered", "blocked"]
    text: str
    guardrail: str = ""


def guardrails() -> RunConfig:
    """Guardrails for the whole run: the input one checks the ticket, the output one the final reply."""
    return RunConfig(input_guardrails=[no_card_numbers], output_guardrails=[within_policy])


@dataclass
class GuardedRequest:
    """A ticket for the guarded team."""

    ticket: str
    catch: bool = True
    """``False`` runs bare ``Runner.run`` with no ``except``, to show where a tripped guardrail leads then."""


@workflow.defn
class GuardedSupportWorkflow:
    """The handoff team behind two guardrails; a tripped guardrail is an outcome, not a crash."""

    @workflow.run
    async def run(self, request: GuardedRequest) -> SupportOutcome:
        """Answer the ticket, or report which guardrail stopped it and why."""
        team, ticket = triage_agent(specialists()), request.ticket
        if not request.catch:  # how not to do it
            return SupportOutcome("answered", (await Runner.run(team, ticket, run_config=guardrails())).final_output)
        try:
            result = await run_agent(team, ticket, run_config=guardrails())
        except InputGuardrailTripwireTriggered as trip:
            name = trip.guardrail_result.guardrail.get_name()
            info = trip.guardrail_result.output.output_info
            return SupportOutcome("blocked", f"The ticket contains {info}; nothing was sent to a model.", name)
        except OutputGuardrailTripwireTriggered as trip:
            name = trip.guardrail_result.guardrail.get_name()
            info = trip.guardrail_result.output.output_info
            return SupportOutcome("blocked", f"The reply was held back: {info}", name)
        return SupportOutcome("answered", result.final_output)


WORKFLOWS = [TicketRouterWorkflow, GuardedSupportWorkflow]
ACTIVITIES = [*support_team.ACTIVITIES, page_on_call]
