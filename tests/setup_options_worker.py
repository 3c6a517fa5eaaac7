"""A worker module for the tests: the weather agent, with its model calls set up through ``SETUP_OPTIONS``."""

from __future__ import annotations

from datetime import timedelta

from temporalio.openai_agents import ModelActivityParameters

from recipes.nb01_durable_agent.weather_agent import ACTIVITIES, WORKFLOWS

MODEL_TIMEOUT = timedelta(seconds=7)
SETUP_OPTIONS = {"model_params": ModelActivityParameters(start_to_close_timeout=MODEL_TIMEOUT)}

__all__ = ["ACTIVITIES", "SETUP_OPTIONS", "WORKFLOWS"]
