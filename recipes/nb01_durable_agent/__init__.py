"""Notebook 01, `notebooks/01_durable_agent.ipynb`: An agent whose tool is an Activity.

* ``weather_agent``: the guide's weather agent, made to run
"""
