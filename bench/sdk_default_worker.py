"""Notebook 02's research agent for a worker process, with the SDK's default Worker options.

``recipes.nb02_crash_recovery.research_agent`` sets ``sticky_queue_schedule_to_start_timeout`` to
2 s, so that after a crash the next Workflow Task waits for the dead worker's
cache for 2 s instead of the SDK's 10. This module hosts the same Workflow and
Activities without that option, so the recovery benchmark can show the difference.
"""

from recipes.nb02_crash_recovery.research_agent import ACTIVITIES, SETUP_OPTIONS, WORKFLOWS

__all__ = ["ACTIVITIES", "SETUP_OPTIONS", "WORKFLOWS"]
