"""import: adopt an existing object into the state."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from fnplan.cli.context import CliContext, lock_options, pass_cli, variable_options


@click.command("import")
@click.argument("address")
@click.argument("id")
@variable_options
@lock_options
@pass_cli
def import_(
    cli: CliContext,
    address: str,
    id: str,
    variables: Sequence[str],
    var_files: Sequence[Path],
    lock_timeout: float,
) -> None:
    """Adopt the existing object ID as ADDRESS, which the configuration declares.

    The state records the object as the provider observes it; the next plan shows what
    differs from the configuration as an update. The ID is the provider's (the local
    provider's ID of an object is the address it is stored under).

    \b
    Example:
      fnplan import function.resize function.resize
    """
    from fnplan.importing import import_object

    workspace = cli.workspace(variables, var_files, lock_timeout)
    record = import_object(workspace, address, id)
    click.echo(f"Imported {id} as {record.address}; run `fnplan plan` to review what differs.")


COMMANDS: list[click.Command] = [import_]
