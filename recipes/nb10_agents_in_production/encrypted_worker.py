"""Notebook 01's weather agent, hosted by a Worker process whose client encrypts every payload.

``SETUP_OPTIONS`` is what a Worker process (``python -m shared``) passes to ``setup()`` in the
process, so the Worker's data converter has the same codec as the notebook's
client: both read the key from the environment the notebook gave them.
"""

from recipes.nb01_durable_agent.weather_agent import ACTIVITIES, WORKFLOWS, WeatherAgentWorkflow

SETUP_OPTIONS = {"encrypt": True}

__all__ = ["ACTIVITIES", "SETUP_OPTIONS", "WORKFLOWS", "WeatherAgentWorkflow"]
