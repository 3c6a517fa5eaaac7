"""The code the notebooks run and show: Workflow modules, and the client-side drivers that exercise them.

Most modules here are Workflow modules: Workflows, Activities and their
inputs, with no side effects on import, so the Workflow sandbox can re-import
them. Each lists what a Worker hosts in ``WORKFLOWS`` and ``ACTIVITIES``.

Two modules are client-side drivers instead: ``crash_drills`` (kill a Worker
process mid-tool and time the recovery, notebook 02) and ``chat_script`` (the
scripted conversation notebooks 04 and 05 and the replay fixture record).
They live here, next to the Workflows they drive, because the notebooks show
them as recipes to copy, just like the Workflows; no Worker ever hosts them.

Recipes build on ``shared``; ``shared`` never imports ``recipes``.
"""
