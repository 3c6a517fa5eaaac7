"""Notebook 10, `notebooks/10_agents_in_production.ipynb`: agents in production.

* ``encrypted_worker``: the weather agent on a Worker whose client encrypts every payload
* ``chat_growth``: measure and draw how a chat's history grows (client side; notebook 12 and exercise 2 use it)
* ``long_chat``: notebook 04's chat, made to last by summarising (no longer in the notebook;
  ``tests/test_long_chats.py``)
* ``flight_agent``: a tool whose API key lives only on the Worker (no longer in the notebook;
  ``tests/test_secrets_and_traces.py``)
"""
