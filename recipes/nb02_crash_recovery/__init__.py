"""Notebook 02, `notebooks/02_crash_recovery.ipynb`: Crash recovery, retries and state, with real kills.

* ``research_agent``: a research agent built to be crashed (Worker process)
* ``crash_drills``: kill a Worker process mid-tool and time the recovery (client side)
* ``tool_failures``: a tool whose Activity fails for good, built two ways
"""
