"""Worker Versioning for notebook 13: the Worker options of a deployment version, and the client side.

* ``deployment_options(build_id)``: what a versioned Worker of the travel chat
  passes to ``Worker``: deployment ``travel-chat``, that Build ID, versioning on.
* ``set_current_version``: make a version the deployment's current one, so new
  chats start on it (the client API of ``temporal worker deployment
  set-current-version``), once its Workers poll.
* ``describe_deployment``: ``temporal worker deployment describe``, as the CLI prints it;
* ``running_on``, ``wait_for_version``: which version and behavior the server records for a run.

The versioned runs of notebook 13 and its tests all use one Task Queue,
``TASK_QUEUE``: a version becomes current only if it polls every Task Queue
the current version polls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from temporalio.api.enums.v1 import VersioningBehavior as VersioningBehaviorProto
from temporalio.api.workflowservice.v1 import SetWorkerDeploymentCurrentVersionRequest
from temporalio.client import Client, WorkflowHandle
from temporalio.common import VersioningBehavior
from temporalio.service import RPCError
from temporalio.worker import WorkerDeploymentConfig, WorkerDeploymentVersion

from shared import temporal_cli, wait_until

TASK_QUEUE = "nb13-travel-chat"
"""The Task Queue of the travel chat's versioned Workers."""

DEPLOYMENT = "travel-chat"
"""The Worker Deployment: every version of the travel chat's Workers."""


def deployment_options(build_id: str) -> dict[str, Any]:
    """The ``Worker`` keyword arguments of a versioned Worker of the travel chat at ``build_id``.

    Its Workflows are pinned unless a run says otherwise. The behavior is set
    here, on the Worker, not with ``@workflow.defn(versioning_behavior=...)``:
    with that annotation, an unversioned Worker of the same code (section 1 of
    the notebook) never completed a Workflow Task on the dev server.
    """
    version = WorkerDeploymentVersion(deployment_name=DEPLOYMENT, build_id=build_id)
    config = WorkerDeploymentConfig(
        version=version, use_worker_versioning=True, default_versioning_behavior=VersioningBehavior.PINNED
    )
    return {"deployment_config": config}


async def set_current_version(client: Client, build_id: str, timeout: float = 30.0) -> None:
    """Make ``build_id`` the current version: new runs start on it, auto-upgrade runs move to it.

    The server learns of a version when its Workers first poll, a moment after
    they start, so this retries until the version is known.
    """
    request = SetWorkerDeploymentCurrentVersionRequest(
        namespace=client.namespace, deployment_name=DEPLOYMENT, build_id=build_id, identity="notebook 13"
    )

    async def try_set() -> bool:
        try:
            await client.workflow_service.set_worker_deployment_current_version(request)
        except RPCError:  # not known yet: its Workers have not polled
            return False
        return True

    await wait_until(try_set, timeout, f"version {build_id} of {DEPLOYMENT} to be known to the server")


@dataclass(frozen=True)
class RunVersion:
    """Where the server says a run is: its deployment version's Build ID and its versioning behavior."""

    build_id: str
    behavior: str

    def __str__(self) -> str:
        return f"{self.build_id} ({self.behavior})"


async def running_on(handle: WorkflowHandle) -> RunVersion:
    """The version whose Worker completed the run's last Workflow Task, and the run's behavior (or override)."""
    versioning = (await handle.describe()).raw_description.workflow_execution_info.versioning_info
    behavior = VersioningBehaviorProto.Name(versioning.behavior).removeprefix("VERSIONING_BEHAVIOR_").lower()
    if versioning.versioning_override.auto_upgrade:
        behavior = "auto_upgrade, by override"
    return RunVersion(versioning.deployment_version.build_id or "unversioned", behavior)


async def wait_for_version(handle: WorkflowHandle, build_id: str, timeout: float = 10.0) -> RunVersion:
    """Wait until a Worker of ``build_id`` has completed a Workflow Task of the run, and say where it is."""

    async def arrived() -> RunVersion | None:
        where = await running_on(handle)
        return where if where.build_id == build_id else None

    return await wait_until(arrived, timeout, f"Workflow {handle.id} to run on version {build_id}")


async def describe_deployment() -> str:
    """What ``temporal worker deployment describe`` prints for the travel chat: its versions and their drainage."""
    printed = await temporal_cli("worker", "deployment", "describe", "--name", DEPLOYMENT)
    return "\n".join(line.rstrip() for line in printed.splitlines())
