"""The agents, Workflows and Activities the notebooks run: plain modules the sandbox can re-import."""
