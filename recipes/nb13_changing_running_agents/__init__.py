"""Notebook 13, `notebooks/13_changing_running_agents.ipynb`: changing agents that are already running.

* ``chat_v1``, ``chat_v2``: two versions of a long-lived travel chat, same Workflow type
* ``deployed_v1``, ``deployed_v2``: the two versions on versioned Workers of one Worker Deployment
* ``versions``: the deployment's Worker options, setting its current version, where a run is
* ``budget_agent``, ``budget_agent_fixed``: an agent whose tool has a bug, and the fix
* ``resets``: reset a Workflow to the point before a step (client side)
"""
