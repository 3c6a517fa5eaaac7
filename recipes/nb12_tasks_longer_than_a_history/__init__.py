"""Notebook 12, `notebooks/12_tasks_longer_than_a_history.ipynb`: a task longer than one Event History.

* ``long_task``: one agent run that reads page after page, longer than a history can hold, and the two ways to
  bound it (a claim check, a budget of model calls per run with continue-as-new)
"""
