"""state list|show|rm|mv|pull, force-unlock and output."""

from __future__ import annotations

import json
from collections.abc import Sequence

import click

from fnplan.cli.context import CliContext, lock_options, pass_cli


@click.group()
def state() -> None:
    """Inspect and edit the recorded state.

    \b
    Example:
      fnplan state list 'function.*'
      fnplan state mv workflow.old workflow.new
    """


@state.command("list")
@click.argument("patterns", nargs=-1)
@pass_cli
def state_list(cli: CliContext, patterns: Sequence[str]) -> None:
    """List recorded addresses, optionally filtered by glob PATTERNS.

    \b
    Example:
      fnplan state list 'workflow.thumbnail*'
    """
    from fnplan.operations import state as operations

    for address in operations.addresses(cli.workspace(), patterns):
        click.echo(address)


@state.command("show")
@click.argument("address")
@pass_cli
def state_show(cli: CliContext, address: str) -> None:
    """Show one recorded resource as JSON (sensitive values hidden).

    \b
    Example:
      fnplan state show function.resize
    """
    from fnplan.operations import state as operations

    resource = operations.shown_resource(cli.workspace(), address)
    click.echo(resource.model_dump_json(indent=2))


@state.command("rm")
@click.argument("addresses", nargs=-1, required=True)
@lock_options
@pass_cli
def state_rm(cli: CliContext, addresses: Sequence[str], lock_timeout: float) -> None:
    """Forget resources without deleting them.

    \b
    Example:
      fnplan state rm trigger.nightly
    """
    from fnplan.operations import state as operations

    operations.remove(cli.workspace(lock_timeout=lock_timeout), addresses)
    click.echo(f"Removed {len(addresses)} resource(s) from the state.")


@state.command("mv")
@click.argument("source")
@click.argument("destination")
@lock_options
@pass_cli
def state_mv(cli: CliContext, source: str, destination: str, lock_timeout: float) -> None:
    """Rename a recorded resource (and the copies it owns) without redeploying.

    Each object's provider moves it too (the local provider renames what it stores); then
    rename the block in the configuration, or write a `moved` block and apply instead.

    \b
    Example:
      fnplan state mv function.resize function.resize_image
    """
    from fnplan.operations import state as operations

    operations.move(cli.workspace(lock_timeout=lock_timeout), source, destination)
    click.echo(f"Moved {source} to {destination}.")


@state.command("pull")
@pass_cli
def state_pull(cli: CliContext) -> None:
    """Print the whole state file as JSON.

    \b
    Example:
      fnplan state pull > backup.json
    """
    from fnplan.operations import state as operations

    click.echo(operations.read(cli.workspace()).model_dump_json(indent=2))


@click.command("force-unlock")
@click.argument("lock_id")
@pass_cli
def force_unlock(cli: CliContext, lock_id: str) -> None:
    """Remove a state lock left by a crashed or stuck operation.

    \b
    Example:
      fnplan force-unlock 6f1c2e0a-...
    """
    from fnplan.operations import state as operations

    info = operations.force_unlock(cli.workspace(), lock_id)
    click.echo(f"Removed the lock held by {info.who} for {info.operation!r} since {info.created}.")


@click.command()
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print values as JSON (sensitive too).")
@click.option(
    "--raw", is_flag=True, help="Print the value of output NAME as is, even when sensitive."
)
@pass_cli
def output(cli: CliContext, name: str | None, as_json: bool, raw: bool) -> None:
    """Print root outputs recorded by the last apply; sensitive ones show as (sensitive).

    \b
    Example:
      fnplan output endpoint
      fnplan output --raw api_token
      fnplan output --json
    """
    from fnplan.errors import FnplanError
    from fnplan.operations import state as operations

    if raw and name is None:
        raise FnplanError("--raw prints one output", hint="write fnplan output --raw NAME")
    workspace = cli.workspace()
    if name is not None:
        out = operations.output(workspace, name)
        if out.sensitive and not (raw or as_json):
            click.echo("(sensitive)")
            return
        value = out.value
        click.echo(json.dumps(value) if as_json or not isinstance(value, str) else value)
        return
    outputs = operations.outputs(workspace)
    if as_json:
        click.echo(json.dumps({k: v.model_dump() for k, v in sorted(outputs.items())}, indent=2))
        return
    for key, out in sorted(outputs.items()):
        shown = "(sensitive)" if out.sensitive else json.dumps(out.value)
        click.echo(f"{key} = {shown}")


COMMANDS: list[click.Command] = [state, force_unlock, output]
