"""Exercise starters: the modules a learner edits, one per exercise, each with its ``TODO``s.

Each has a solved twin in ``recipes/solutions/``; the tests check that the
solution passes and that the unedited starter does not.
"""
