"""Solutions to notebook 11's exercises (agents at scale). Try ``recipes/exercises/ex11_scale.py`` first.

1. A specialist with a deadline of its own: each child Workflow has a short
   ``execution_timeout``, and a child that times out becomes a tool result the
   supervisor reads, not a failed supervisor.
2. One model budget for every Worker: the Worker option that holds all of a
   Task Queue's Workers together to a number of model calls per second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow
from temporalio.exceptions import ChildWorkflowError, TimeoutError

from recipes.nb07_teams_of_agents.support_team import TeamReply, run_agent
from recipes.nb11_agents_at_scale import supervisor
from recipes.nb11_agents_at_scale.supervisor import SPECIALISTS, SpecialistTask, SpecialistWorkflow

with workflow.unsafe.imports_passed_through():
    from agents import Agent, FunctionTool, function_tool


# ---------------------------------------------------------------- exercise 1


@dataclass
class PatientRequest:
    """A ticket, how long the specialists' tools work, where they run, and how long each may take."""

    ticket: str
    tool_seconds: float
    specialist_queue: str
    deadline_s: float = 2.0


async def ask_in_time(task: SpecialistTask, child_id: str, task_queue: str, deadline_s: float) -> str:
    """Exercise 1: run the specialist as a child Workflow that times out after ``deadline_s``; say so if it does."""
    try:
        return await workflow.execute_child_workflow(
            SpecialistWorkflow.run,
            task,
            id=child_id,
            task_queue=task_queue,
            execution_timeout=timedelta(seconds=deadline_s),
        )
    except ChildWorkflowError as err:
        if isinstance(err.cause, TimeoutError):
            return f"The {task.specialist} did not answer in time."
        raise


@workflow.defn
class PatientSupervisorWorkflow:
    """Exercise 1: notebook 11's supervisor, whose specialists each have a deadline of their own."""

    def __init__(self) -> None:
        self.children_started = 0

    def child_tool(self, specialist: str, request: PatientRequest) -> FunctionTool:
        """A tool that asks the specialist, as a child Workflow with a deadline."""

        @function_tool(name_override=specialist.lower().replace(" ", "_"))
        async def ask(input: str) -> str:  # the name Agent.as_tool gives its argument
            self.children_started += 1
            child_id = f"{workflow.info().workflow_id}/{specialist.split()[0].lower()}-{self.children_started}"
            task = SpecialistTask(specialist, input, request.tool_seconds)
            return await ask_in_time(task, child_id, request.specialist_queue, request.deadline_s)

        ask.description = f"Ask the {specialist} about the part of the ticket they own."
        return ask

    @workflow.run
    async def run(self, request: PatientRequest) -> TeamReply:
        """Run the supervisor's agent; a specialist that runs out of time is reported, not fatal."""
        boss = Agent(
            name="Supervisor",
            instructions=(
                "You answer support tickets. Ask each specialist whose area the ticket touches (you may ask "
                "several at once), then combine their answers into one reply."
            ),
            tools=[self.child_tool(name, request) for name in SPECIALISTS],
        )
        result = await run_agent(boss, request.ticket)
        return TeamReply(result.final_output, result.last_agent.name)


# ---------------------------------------------------------------- exercise 2


def model_call_worker_options(calls_per_second: float) -> dict[str, float]:
    """Exercise 2: Worker options that hold all of a Task Queue's Workers together to ``calls_per_second``."""
    return {"max_task_queue_activities_per_second": calls_per_second}


WORKFLOWS = [PatientSupervisorWorkflow, SpecialistWorkflow]
ACTIVITIES = supervisor.ACTIVITIES
