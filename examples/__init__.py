"""The example projects, shipped inside fnplan as `fnplan.examples`: `fnplan new` copies them."""
