"""A versioned Worker of the travel chat's version 2: deployment ``travel-chat``, Build ID ``v2``."""

from recipes.nb13_changing_running_agents.chat_v2 import ACTIVITIES, WORKFLOWS
from recipes.nb13_changing_running_agents.versions import deployment_options

WORKER_OPTIONS = deployment_options("v2")

__all__ = ["ACTIVITIES", "WORKER_OPTIONS", "WORKFLOWS"]
