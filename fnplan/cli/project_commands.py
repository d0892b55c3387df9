"""new, init, validate, fmt, graph and version."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, cast

import click

from fnplan import __version__
from fnplan.cli.context import CliContext, pass_cli, variable_options
from fnplan.errors import FnplanError
from fnplan.scaffold import TEMPLATES, new_project

if TYPE_CHECKING:
    from fnplan.operations.project import GraphFormat
    from fnplan.operations.workflow_graphs import WorkflowGraphFormat

_EXIT_UNFORMATTED = 3


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--template",
    type=click.Choice(TEMPLATES),
    default="minimal",
    show_default=True,
    help="minimal: one function and a workflow; quickstart: every node type and trigger.",
)
@pass_cli
def new(cli: CliContext, directory: Path, template: str) -> None:
    """Create a new project in DIRECTORY (absent or empty) from a template.

    \b
    Example:
      fnplan new hello
      fnplan new demo --template quickstart
    """
    written = new_project(cli.directory / directory, template)
    cli.console.print(
        f"Created {directory} from the {template} template ({len(written)} files)\n"
        f"  next: fnplan -C {directory} plan",
        highlight=False,
    )


@click.command()
@click.option(
    "--migrate-state",
    is_flag=True,
    help="Copy every workspace's state from the backend of the last init to the configured one.",
)
@click.option(
    "--reconfigure", is_flag=True, help="Use a changed backend as it is, without migrating."
)
@variable_options
@pass_cli
def init(
    cli: CliContext,
    migrate_state: bool,
    reconfigure: bool,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Prepare the project directory: check the configuration and load its providers.

    \b
    Example:
      fnplan -C examples/quickstart init
      fnplan init --migrate-state      # after changing the backend block
    """
    from fnplan.operations.project import initialize

    workspace = cli.workspace(variables, var_files)
    done = initialize(workspace, migrate=migrate_state, reconfigure=reconfigure)
    for moved in done.migrated:
        copied = "copied" if moved.copied else "already there"
        cli.console.print(
            f"  workspace {moved.workspace}: {copied} "
            f"(lineage {moved.lineage}, serial {moved.serial})"
        )
    cli.console.print(f"Initialized {workspace.directory}")
    for address in done.providers:
        cli.console.print(f"  provider {address}: ready")
    cli.console.print(f"  {done.resources} resources in the configuration")


@click.command()
@variable_options
@pass_cli
def validate(cli: CliContext, variables: Sequence[str], var_files: Sequence[Path]) -> None:
    """Check the configuration (syntax, types, references, workflows) without touching state.

    \b
    Example:
      fnplan validate --var env=prod
    """
    from fnplan.operations.project import validate as validated

    desired = validated(cli.workspace(variables, var_files))
    for warning in desired.warnings:
        click.echo(warning.render(), err=True)
    cli.console.print(f"Success! The configuration is valid ({len(desired.resources)} resources).")


@click.command()
@click.option("--check", is_flag=True, help="Only report files that are not formatted (exit 3).")
@click.option("--diff", "show_diff", is_flag=True, help="Show the changes as a unified diff.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@pass_cli
def fmt(cli: CliContext, check: bool, show_diff: bool, paths: Sequence[Path]) -> None:
    """Rewrite HCL and YAML configuration files in the canonical format.

    \b
    Example:
      fnplan fmt
      fnplan fmt --check --diff
    """
    from fnplan.operations.project import unformatted as needing

    unformatted = needing(list(paths) or [cli.directory])
    for file in unformatted:
        if show_diff:
            sys.stdout.writelines(file.diff())
        if not check:
            file.path.write_bytes(file.formatted)
        click.echo(str(file.path))
    if check and unformatted:
        sys.exit(_EXIT_UNFORMATTED)


@click.command()
@click.argument("workflow", required=False)
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(["dot", "mermaid", "json", "svg"]),
    default="dot",
    show_default=True,
    help="svg only for one workflow.",
)
@click.option("--unfold", is_flag=True, help="Draw nested workflows' steps inside the caller.")
@variable_options
@pass_cli
def graph(
    cli: CliContext,
    workflow: str | None,
    fmt_: WorkflowGraphFormat,
    unfold: bool,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Print the dependency graph of the configuration's resources, or with WORKFLOW
    (workflow.NAME) that workflow's steps: node types, edge kinds, a computed layout.

    \b
    Example:
      fnplan graph --format mermaid > graph.mmd
      fnplan graph | dot -Tsvg > graph.svg
      fnplan graph workflow.thumbnail --format svg > thumbnail.svg
    """
    from fnplan.operations.project import graph_text
    from fnplan.operations.workflow_graphs import workflow_graph_text

    workspace = cli.workspace(variables, var_files)
    if workflow is not None:
        click.echo(workflow_graph_text(workspace, workflow, fmt_, unfold=unfold))
    elif fmt_ == "svg" or unfold:
        raise FnplanError(
            "--format svg and --unfold draw one workflow: name it, e.g. workflow.NAME",
        )
    else:
        click.echo(graph_text(workspace, cast("GraphFormat", fmt_)))


@click.command()
def version() -> None:
    """Print fnplan's version and the providers installed.

    \b
    Example:
      fnplan version
    """
    from importlib.metadata import entry_points

    from fnplan.provider import ENTRY_POINT_GROUP

    click.echo(f"fnplan {__version__}")
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        click.echo(f"  provider {ep.name} ({ep.value})")


COMMANDS = [new, init, validate, fmt, graph, version]
