"""Notebook 10, `notebooks/10_agents_in_production.ipynb`: agents in production.

* ``encrypted_worker``: the weather agent on a Worker whose client encrypts every payload
* ``flight_agent``: a tool whose API key lives only on the Worker
* ``chat_growth``: measure and draw how a chat's history grows (client side; notebook 12 and exercise 2 use it)
"""
