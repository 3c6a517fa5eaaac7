"""Notebook 07, `notebooks/07_teams_of_agents.ipynb`: Teams of agents: handoffs, agents as tools, fan-out, a crash.

* ``support_team``: a customer-support team of agents (in the kernel and as a Worker process)
"""
