"""Notebook 05, `notebooks/05_testing_durable_agents.ipynb`: Testing durable agents: time skipping, fake tools, replay.

* ``chat_agent_v2``: two later versions of the chat, for the replay lesson
* ``fake_tools``: a canned Activity under the real tool's name
* ``chat_script``: the scripted conversation the replay fixture records (client side)
"""
