"""The views layer: what a notebook shows (see ``shared``). A Worker process never loads it."""
