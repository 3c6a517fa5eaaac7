"""Exercise starters, one module per notebook: edit the ``TODO``s; ``recipes/solutions/`` has the answers."""
