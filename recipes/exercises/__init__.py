"""Exercise starters: the modules a learner edits, one per notebook (or per exercise), each with its ``TODO``s.

Each ``exNN_*.py`` here has a solved twin with the same name in
``recipes/solutions/``. It runs as it is, but it does not do what the
exercise asks yet: every place to change is marked ``TODO``. The tests check
that the solution passes and that the unedited starter does not. Check your
own work from a terminal:

    make exercises NB=01

Python imports a module once per process, so to use your edits in a notebook,
restart its kernel (Kernel > Restart Kernel) and run the cells again; a new
Worker then hosts your edited code. ``make exercises`` starts a fresh process
each time, so it always sees your latest edit.
"""
