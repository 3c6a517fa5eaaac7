"""Solutions to notebook 04's exercises: a chat that ends itself when idle, and a weekly Schedule."""

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
    """Exercise 1: the chat Workflow, but it ends by itself after ``IDLE_AFTER`` without a turn.

    ``wait_condition`` with a timeout is a Durable Timer too: the history shows
    it, and in the time-skipping server a week of silence passes at once.
    """

    @workflow.run
    async def run(self, chat: ChatInput) -> ChatSummary:
        """Like the parent's loop, but each wait for the next turn has a deadline."""
        for reminder in self._reminders:
            self._start_timer(reminder)
        while not (self._ended or self._should_continue_as_new()):
            turns_seen = self._turns
            try:
                await workflow.wait_condition(
                    lambda seen=turns_seen: self._ended or self._should_continue_as_new() or self._turns != seen,
                    timeout=IDLE_AFTER,
                )
            except TimeoutError:
                self._ended = True  # a week without a word: close the chat
        await workflow.wait_condition(workflow.all_handlers_finished)
        if not self._ended:
            workflow.continue_as_new(self._carry_over())
        return self._summary()


def weekly_digest_schedule(task_queue: str, workflow_id: str = "weekly-digest") -> Schedule:
    """Exercise 2: the digest every Monday at 08:00 UTC."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            DailyDigestWorkflow.run, "Weekly digest: weather in Lisbon", id=workflow_id, task_queue=task_queue
        ),
        spec=ScheduleSpec(
            calendars=[
                ScheduleCalendarSpec(
                    day_of_week=[ScheduleRange(MONDAY)], hour=[ScheduleRange(8)], minute=[ScheduleRange(0)]
                )
            ]
        ),
        state=ScheduleState(note="weekly digest, Mondays at 08:00 UTC"),
    )


WORKFLOWS = [IdleEndingChatWorkflow]
