"""render and rollout: what providers do besides deploying, through their capabilities."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import click

from fnplan.cli.context import CliContext, pass_cli, variable_options


@click.command()
@click.argument("address", required=False)
@click.option(
    "--provider", metavar="PROVIDER", help="Only resources of this provider (local, aws.west)."
)
@click.option(
    "--out",
    "out_dir",
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the files to DIR/ADDRESS/NAME instead of printing them.",
)
@variable_options
@pass_cli
def render(
    cli: CliContext,
    address: str | None,
    provider: str | None,
    out_dir: Path | None,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Print the artifacts providers would deploy for the configuration, for review.

    Each provider that can render shows its own files (the local provider: a workflow's
    document, a function version's manifest); ADDRESS limits it to one resource or block.

    \b
    Example:
      fnplan render workflow.thumbnail
      fnplan render --provider local --out rendered/
    """
    from fnplan.operations import artifacts

    found = artifacts.render(cli.workspace(variables, var_files), address, provider)
    if out_dir is not None:
        written = artifacts.write(found, out_dir)
        click.echo(f"Wrote {len(written)} file(s) to {out_dir}.")
        return
    for artifact in found:
        click.echo(f"# {artifact.path}")
        click.echo(artifact.text, nl=not artifact.text.endswith("\n"))


@click.group()
def rollout() -> None:
    """Gradual rollouts of new versions, on providers that manage them.

    \b
    Example:
      fnplan rollout status function.resize
      fnplan rollout promote function.resize
    """


@rollout.command("status")
@click.argument("address")
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object.")
@variable_options
@pass_cli
def rollout_status(
    cli: CliContext,
    address: str,
    as_json: bool,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Show how far the rollout of ADDRESS's new version has gone.

    \b
    Example:
      fnplan rollout status function.resize --json
    """
    from fnplan.operations import rollouts

    found = rollouts.status(cli.workspace(variables, var_files), address)
    if as_json:
        click.echo(json.dumps(found, indent=2, default=str))
        return
    for key, value in found.items():
        shown = value if isinstance(value, str) else json.dumps(value, default=str)
        click.echo(f"{key}: {shown}")


@rollout.command("promote")
@click.argument("address")
@variable_options
@pass_cli
def rollout_promote(
    cli: CliContext, address: str, variables: Sequence[str], var_files: Sequence[Path]
) -> None:
    """Send all traffic of ADDRESS to its new version now.

    \b
    Example:
      fnplan rollout promote function.resize
    """
    from fnplan.operations import rollouts

    rollouts.promote(cli.workspace(variables, var_files), address)
    click.echo(f"Promoted the rollout of {address}.")


@rollout.command("abort")
@click.argument("address")
@variable_options
@pass_cli
def rollout_abort(
    cli: CliContext, address: str, variables: Sequence[str], var_files: Sequence[Path]
) -> None:
    """Stop the rollout of ADDRESS and send all traffic back to its previous version.

    \b
    Example:
      fnplan rollout abort function.resize
    """
    from fnplan.operations import rollouts

    rollouts.abort(cli.workspace(variables, var_files), address)
    click.echo(f"Aborted the rollout of {address}.")


COMMANDS: list[click.Command] = [render, rollout]
