"""The code the notebooks run and show, one package per notebook, named after it.

======================================  ==========================================================
package                                 notebook
======================================  ==========================================================
``nb01_durable_agent``                  ``01_durable_agent.ipynb``: an agent whose tool is an Activity
``nb02_crash_recovery``                 ``02_crash_recovery.ipynb``: crashes, retries, state
``nb03_human_approval``                 ``03_human_approval.ipynb``: a human in the loop
``nb04_long_running_agents``            ``04_long_running_agents.ipynb``: a chat that lives for days
``nb05_testing_durable_agents``         ``05_testing_durable_agents.ipynb``: tests and replay
``nb06_what_durability_costs``          ``06_what_durability_costs.ipynb``: the agent the bench times
``nb07_teams_of_agents``                ``07_teams_of_agents.ipynb``: teams of agents
``nb08_keeping_agents_in_bounds``       ``08_keeping_agents_in_bounds.ipynb``: structured output, guardrails
``nb09_mcp_and_streaming``              ``09_mcp_and_streaming.ipynb``: MCP tools and streaming
``nb10_agents_in_production``           ``10_agents_in_production.ipynb``: agents in production
``nb11_agents_at_scale``                ``11_agents_at_scale.ipynb``: sub-agents, a model budget, many Workers
``nb12_tasks_longer_than_a_history``    ``12_tasks_longer_than_a_history.ipynb``: one agent run longer than a history
``nb13_changing_running_agents``        ``13_changing_running_agents.ipynb``: versioning, upgrades, reset
``exercises``, ``solutions``            each notebook's exercise starters (``exNN_*``) and solutions
======================================  ==========================================================

Each package's docstring lists its modules. Most are Workflow modules:
Workflows, Activities and their inputs, with no side effects on import, so
the Workflow sandbox can re-import them; each lists what a Worker hosts in
``WORKFLOWS`` and ``ACTIVITIES`` (and, for a Worker process, ``SETUP_OPTIONS``).
A few are client-side drivers (``crash_drills``, ``chat_script``,
``chat_growth``, ``fleet``) or a service (``inventory_mcp``); they live beside the
Workflows they drive because the notebooks show them as recipes to copy.

The rule: a notebook's package imports only its own and earlier notebooks'
packages (04's chat reuses 01's weather tool, 07's team reuses 02's slow
work, 08 guards 07's team), and an exercise only its own and earlier
notebooks'. Recipes build on ``shared``'s public names; ``shared`` never
imports ``recipes``.
``tests/test_layout.py`` checks all three.
"""
