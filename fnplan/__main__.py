"""`python -m fnplan` runs the CLI."""

from fnplan.cli.main import main

main()
