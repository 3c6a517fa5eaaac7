"""Notebook 10, `notebooks/10_agents_in_production.ipynb`: agents in production.

* ``encrypted_worker``: the weather agent on a Worker whose client encrypts every payload
* ``long_chat``: notebook 04's chat, made to last by summarising
* ``chat_growth``: measure and draw how a chat's history grows (client side)
* ``flight_agent``: a tool whose API key lives only on the Worker
"""
