"""Solutions to the notebooks' exercises, one module per notebook; tests/ runs them."""
