"""Notebook 11, `notebooks/11_agents_at_scale.ipynb`: agents at scale: sub-agents, a shared model budget, many Workers.

* ``supervisor``: a supervisor agent whose specialists run as child Workflows (also run alone on a fleet of Workers)
* ``model_budget``: many agents whose model calls share one rate-limited Task Queue
* ``fleet``: client-side drivers: start many runs at once, read when and where each Activity ran
"""
