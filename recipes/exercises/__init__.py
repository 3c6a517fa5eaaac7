"""Exercise starters, one module per notebook: edit the TODOs, then run the notebook's check."""
