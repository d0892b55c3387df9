"""edit: graph operations applied to the configuration's text."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from fnplan.cli.context import CliContext, pass_cli, variable_options


@click.command()
@click.argument("ops_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print the unified diff; write nothing.")
@variable_options
@pass_cli
def edit(
    cli: CliContext,
    ops_file: Path,
    dry_run: bool,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Apply the graph operations in OPS_FILE (a JSON list, see
    schemas/graph-ops.schema.json) to the workflows' HCL, changing only the lines they
    are about. An edit that would make the configuration invalid writes nothing.

    \b
    Example:
      fnplan diff main --json > ops.json && fnplan edit ops.json --dry-run
    """
    from fnplan.operations.edits import edit_project

    workspace = cli.workspace(variables, var_files)
    text = edit_project(
        cli.directory,
        ops_file,
        dry_run=dry_run,
        variables=workspace.variables,
        var_files=tuple(workspace.var_files),
    )
    click.echo(text, nl=False)


COMMANDS = [edit]
