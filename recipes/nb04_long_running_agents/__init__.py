"""Notebook 04, `notebooks/04_long_running_agents.ipynb`: agents that live for days.

* ``chat_agent``: one Workflow per chat, one Update per turn; the daily digest
* ``session_chat``: a chat turn with the Agents SDK's Session instead of Workflow state
"""
