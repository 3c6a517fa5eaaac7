"""Notebook 06, `notebooks/06_what_durability_costs.ipynb`: What durability costs, measured.

* ``bench_agent``: the agent make bench and the notebook time
"""
