"""Notebook 09, `notebooks/09_mcp_and_streaming.ipynb`: Tools from an MCP server, and replies that stream, durably.

* ``inventory_mcp``: a small, real MCP server (a service process)
* ``inventory_agent``: the shop assistant Workflow that uses it
* ``inventory_worker``: how a Worker process reaches the MCP server
* ``streaming_agent``: a trip planner whose reply streams
"""
