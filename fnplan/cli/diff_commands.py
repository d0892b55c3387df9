"""diff: workflows compared between two git revisions of the configuration."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fnplan.cli.context import CliContext, pass_cli, variable_options

if TYPE_CHECKING:
    from fnplan.operations.diffs import DiffFormat


@click.command()
@click.argument("rev_a", default="HEAD")
@click.argument("rev_b", required=False)
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(["text", "json", "mermaid"]),
    default="text",
    show_default=True,
    help="json: the graph operations (what `fnplan edit` applies); mermaid: Markdown with "
    "one diagram per workflow, added/removed/changed styled.",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@variable_options
@pass_cli
def diff(
    cli: CliContext,
    rev_a: str,
    rev_b: str | None,
    fmt_: DiffFormat,
    as_json: bool,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Show how the workflows changed between git revisions REV_A (default HEAD) and REV_B
    (default: the files on disk), as graph operations.

    \b
    Example:
      fnplan diff
      fnplan diff main HEAD --json > ops.json
      fnplan diff HEAD~1 --format mermaid >> pr-comment.md
    """
    from fnplan.operations.diffs import diff_revisions, diff_text

    workspace = cli.workspace(variables, var_files)
    result = diff_revisions(
        cli.directory, rev_a, rev_b, workspace.variables, tuple(workspace.var_files)
    )
    click.echo(diff_text(result, "json" if as_json else fmt_))


COMMANDS = [diff]
