"""Notebook 03, `notebooks/03_human_approval.ipynb`: Human approval with Signals, Updates and widgets.

* ``approval_agent``: plan, wait durably for a human, then act or stop
* ``guide_approval``: the guide's ApprovalWorkflow as written, kept to show its bug
* ``tool_approval_agent``: the Agents SDK's needs_approval inside a Workflow
"""
