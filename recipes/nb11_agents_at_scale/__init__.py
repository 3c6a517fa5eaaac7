"""Notebook 11, `notebooks/11_agents_at_scale.ipynb`: agents at scale.

* ``long_task``: one agent run that reads page after page, longer than a history can hold, and the two ways to
  bound it (a claim check, a budget of model calls per run with continue-as-new)
"""
