"""Notebook 08, `notebooks/08_keeping_agents_in_bounds.ipynb`: structured output, guardrails, a misbehaving model.

* ``guarded_team``: notebook 07's support team, routed by code and behind guardrails (in the kernel)
"""
