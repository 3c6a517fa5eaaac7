"""A supervisor agent whose specialists run as child Workflows, each with its own Event History.

Notebook 07's Support Manager called specialists as tools (``Agent.as_tool``):
every specialist's model calls landed in the manager's one history. Here the
``SupervisorWorkflow``'s agent has one tool per specialist, and each tool
starts a ``SpecialistWorkflow`` child on its own Task Queue. A child has its
own history and limits (timeouts, retries, history size), shows under its
parent in the Web UI, can be cancelled or time out on its own, and keeps
running while the parent's Worker is down.

Notebook 11 also runs ``SpecialistWorkflow`` alone, many at once, on a fleet of
Worker processes. The module has no side effects on import, so the Workflow
sandbox can re-import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow

from recipes.nb07_teams_of_agents import support_team
from recipes.nb07_teams_of_agents.support_team import (
    MODEL_PARAMS,
    WORKER_OPTIONS,
    TeamReply,
    billing_specialist,
    refund_specialist,
    run_agent,
    technical_specialist,
)

with workflow.unsafe.imports_passed_through():
    from agents import Agent, FunctionTool, function_tool

SUPERVISOR_QUEUE = "nb11-supervisor"
SPECIALIST_QUEUE = "nb11-specialists"

CHILD_TIMEOUT = timedelta(minutes=5)
"""How long one specialist may take, whatever its parent does: the child's own limit."""


@dataclass
class SpecialistTask:
    """Which specialist answers, what it is asked, and how long its tools work."""

    specialist: str
    question: str
    tool_seconds: float = 0.0


def specialist_agent(task: SpecialistTask) -> Agent:
    """Notebook 07's specialist of that name, its tools working ``task.tool_seconds`` each."""
    team = {
        "Billing Specialist": billing_specialist,
        "Technical Specialist": lambda: technical_specialist(task.tool_seconds),
        "Refund Specialist": lambda: refund_specialist(task.tool_seconds),
    }
    return team[task.specialist]()


@workflow.defn
class SpecialistWorkflow:
    """One specialist answers one question, in a Workflow (and Event History) of its own."""

    @workflow.run
    async def run(self, task: SpecialistTask) -> str:
        """Run the specialist's agent on the question."""
        return (await run_agent(specialist_agent(task), task.question)).final_output


@dataclass
class SupervisorRequest:
    """A ticket for the supervisor, how long the specialists' tools work, and which Task Queue they run on."""

    ticket: str
    tool_seconds: float = 0.0
    specialist_queue: str = SPECIALIST_QUEUE


SPECIALISTS = ("Billing Specialist", "Technical Specialist", "Refund Specialist")


@workflow.defn
class SupervisorWorkflow:
    """A supervisor agent asks specialists for help; each request is a child Workflow."""

    def __init__(self) -> None:
        self.children_started = 0

    def child_tool(self, specialist: str, request: SupervisorRequest) -> FunctionTool:
        """A tool that starts the specialist as a child Workflow and returns its answer."""

        @function_tool(name_override=specialist.lower().replace(" ", "_"))
        async def ask(input: str) -> str:  # the name Agent.as_tool gives its argument
            self.children_started += 1
            slug = specialist.split()[0].lower()
            return await workflow.execute_child_workflow(
                SpecialistWorkflow.run,
                SpecialistTask(specialist, input, request.tool_seconds),
                id=f"{workflow.info().workflow_id}/{slug}-{self.children_started}",
                task_queue=request.specialist_queue,
                execution_timeout=CHILD_TIMEOUT,
            )

        ask.description = f"Ask the {specialist} about the part of the ticket they own."
        return ask

    @workflow.run
    async def run(self, request: SupervisorRequest) -> TeamReply:
        """Run the supervisor's agent; its specialists answer from their own Workflows."""
        supervisor = Agent(
            name="Supervisor",
            instructions=(
                "You answer support tickets. Ask each specialist whose area the ticket touches (you may ask "
                "several at once), then combine their answers into one reply."
            ),
            tools=[self.child_tool(name, request) for name in SPECIALISTS],
        )
        result = await run_agent(supervisor, request.ticket)
        return TeamReply(result.final_output, result.last_agent.name)


WORKFLOWS = [SupervisorWorkflow, SpecialistWorkflow]
ACTIVITIES = support_team.ACTIVITIES
WORKER_OPTIONS = WORKER_OPTIONS
SETUP_OPTIONS = {"model_params": MODEL_PARAMS}  # model calls run on the Task Queue of the Workflow that makes them
