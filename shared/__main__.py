"""``python -m shared MODULE --task-queue Q``: run a Worker process that hosts a worker module.

``start_worker_process()`` starts this command for a notebook; a terminal can
start it by hand, as the facilitator guide does. See ``shared._core.worker_process``.
"""

from shared._core.worker_process import main

main()
