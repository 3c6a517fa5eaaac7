"""A versioned Worker of the travel chat's version 1: deployment ``travel-chat``, Build ID ``v1``."""

from recipes.nb13_changing_running_agents.chat_v1 import ACTIVITIES, WORKFLOWS
from recipes.nb13_changing_running_agents.versions import deployment_options

WORKER_OPTIONS = deployment_options("v1")

__all__ = ["ACTIVITIES", "WORKER_OPTIONS", "WORKFLOWS"]
