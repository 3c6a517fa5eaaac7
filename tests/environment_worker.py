"""A worker module for the tests: a Workflow that reports the environment its Worker process sees."""

from __future__ import annotations

import os
from datetime import timedelta

from temporalio import activity, workflow


@activity.defn
async def environment_variables(names: list[str]) -> dict[str, str | None]:
    """The values of these environment variables in this Worker process (None where unset)."""
    return {name: os.environ.get(name) for name in names}


@workflow.defn
class EnvironmentWorkflow:
    """Ask the Worker process for some environment variables."""

    @workflow.run
    async def run(self, names: list[str]) -> dict[str, str | None]:
        return await workflow.execute_activity(
            environment_variables, names, start_to_close_timeout=timedelta(seconds=10)
        )


WORKFLOWS = [EnvironmentWorkflow]
ACTIVITIES = [environment_variables]
