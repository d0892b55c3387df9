"""run, logs and runs: executing deployed workflows (see docs/runs.md)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
