"""Exercises of notebook 11 (agents at scale). Edit the two TODOs, then check your work.

Check from a terminal (it starts its own Temporal server and Workers, so your
edits take effect every time you run it)::

    make exercises NB=11

1. A specialist with a deadline of its own: each child Workflow gets a short
   ``execution_timeout``, and a child that times out becomes a tool result the
   supervisor reads ("The Technical Specialist did not answer in time."),
   not a failed supervisor.
2. One model budget for every Worker: return the Worker option that holds all
   of a Task Queue's Workers together to a number of model calls per second.

The solutions are in ``recipes/solutions/ex11_scale.py``; try first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta  # noqa: F401 (you will need it)

from temporalio import workflow
from temporalio.exceptions import ChildWorkflowError, TimeoutError  # noqa: F401 (you will need them)

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
    # TODO 1: start SpecialistWorkflow.run as a child (workflow.execute_child_workflow, as
    # recipes/nb11_agents_at_scale/supervisor.py does) with execution_timeout=timedelta(seconds=deadline_s).
    # Catch ChildWorkflowError whose .cause is a TimeoutError and return
    # f"The {task.specialist} did not answer in time." instead; re-raise any other error.
    raise NotImplementedError("TODO 1: run the specialist as a child Workflow with a deadline of its own")


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
    # TODO 2: this option limits each Worker on its own, so two Workers start twice as many model calls.
    # Return the option the server enforces for the whole Task Queue instead (notebook 11, section 2).
    return {"max_activities_per_second": calls_per_second}


WORKFLOWS = [PatientSupervisorWorkflow, SpecialistWorkflow]
ACTIVITIES = supervisor.ACTIVITIES
