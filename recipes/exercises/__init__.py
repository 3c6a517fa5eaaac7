"""Exercise starters, one module per notebook: the files you edit to do a notebook's exercises.

Each ``exNN_*.py`` here matches a solution in ``recipes/solutions/`` with the
same name. It runs as it is, but it does not do what the exercise asks yet:
every place to change is marked ``TODO``. Check your work from a terminal:

    make exercises NB=01

Python imports a module once per process, so to use your edits in a notebook,
restart its kernel (Kernel > Restart Kernel) and run the cells again; a new
Worker then hosts your edited code. ``make exercises`` starts a fresh process
each time, so it always sees your latest edit.
"""
