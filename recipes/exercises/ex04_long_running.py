"""Notebook 04's exercises: edit the TODOs, then run ``make exercises NB=04``.

1. ``IdleEndingChatWorkflow``: the chat Workflow, but it ends by itself when
   nobody writes for ``IDLE_AFTER``. It starts as a copy of the chat's loop,
   which waits forever.
2. ``weekly_digest_schedule``: it starts as the notebook's daily digest; make
   it run every Monday at 08:00 UTC.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.client import (
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleCalendarSpec,
    ScheduleRange,
    ScheduleSpec,
    ScheduleState,
)

from recipes.nb04_long_running_agents.chat_agent import ChatAgentWorkflow, ChatInput, ChatSummary, DailyDigestWorkflow

IDLE_AFTER = timedelta(days=7)
MONDAY = 1  # Temporal's calendar counts days of the week from Sunday = 0


@workflow.defn
class IdleEndingChatWorkflow(ChatAgentWorkflow):
    """Exercise 1: the chat Workflow, ending by itself after ``IDLE_AFTER`` without a turn."""

    @workflow.run
    async def run(self, chat: ChatInput) -> ChatSummary:
        """The chat's loop, one wait per turn, so that each wait can get a deadline."""
        for reminder in self._reminders:
            self._start_timer(reminder)
        while not (self._ended or self._should_continue_as_new()):
            turns_seen = self._turns
            # TODO: give this wait a deadline, timeout=IDLE_AFTER. When it runs out, wait_condition raises
            #       TimeoutError: catch it and end the chat (self._ended = True).
            await workflow.wait_condition(
                lambda seen=turns_seen: self._ended or self._should_continue_as_new() or self._turns != seen,
            )
        await workflow.wait_condition(workflow.all_handlers_finished)
        if not self._ended:
            workflow.continue_as_new(self._carry_over())
        return self._summary()


def weekly_digest_schedule(task_queue: str, workflow_id: str = "weekly-digest") -> Schedule:
    """Exercise 2: the digest every Monday at 08:00 UTC (it starts as the notebook's daily 07:30)."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            DailyDigestWorkflow.run, "Weekly digest: weather in Lisbon", id=workflow_id, task_queue=task_queue
        ),
        spec=ScheduleSpec(
            calendars=[
                # TODO: only on Mondays (day_of_week=[ScheduleRange(MONDAY)]), at 08:00.
                ScheduleCalendarSpec(hour=[ScheduleRange(7)], minute=[ScheduleRange(30)])
            ]
        ),
        state=ScheduleState(note="weekly digest, Mondays at 08:00 UTC"),
    )


WORKFLOWS = [IdleEndingChatWorkflow]
