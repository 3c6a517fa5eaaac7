"""Exercise starters, one module per notebook: edit the ``TODO``s until the tests pass.

The solutions are in ``recipes/solutions``; ``tests/`` checks that each solution passes and each
unedited starter does not.
"""
