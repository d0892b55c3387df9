"""new, init, validate, fmt, graph and version."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from fnplan import __version__
from fnplan.cli.context import CliContext, pass_cli, variable_options
from fnplan.scaffold import TEMPLATES, new_project, require_configuration

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
    from fnplan.backend_init import init_backend

    require_configuration(cli.directory)
    workspace = cli.workspace(variables, var_files)
    config = workspace.load()
    workspace.data_dir.mkdir(parents=True, exist_ok=True)
    migrated = init_backend(
        workspace, config.backend, migrate=migrate_state, reconfigure=reconfigure
    )
    for moved in migrated:
        done = "copied" if moved.copied else "already there"
        cli.console.print(
            f"  workspace {moved.workspace}: {done} "
            f"(lineage {moved.lineage}, serial {moved.serial})"
        )
    state = workspace.backend(config.backend).read()
    desired = workspace.compile(config, state)
    providers = workspace.providers(desired.providers, desired.providers_used(), state)
    cli.console.print(f"Initialized {workspace.directory}")
    for address in sorted(providers):
        cli.console.print(f"  provider {address}: ready")
    cli.console.print(f"  {len(desired.resources)} resources in the configuration")


@click.command()
@variable_options
@pass_cli
def validate(cli: CliContext, variables: Sequence[str], var_files: Sequence[Path]) -> None:
    """Check the configuration (syntax, types, references, workflows) without touching state.

    \b
    Example:
      fnplan validate --var env=prod
    """
    workspace = cli.workspace(variables, var_files)
    config = workspace.load()
    desired = workspace.compile(config, workspace.backend(config.backend).read())
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
    import difflib

    from fnplan.config.fmt import config_files, format_config

    files = config_files(paths or [cli.directory])
    # Format every file before writing any, so a syntax error in one leaves all untouched.
    originals = {path: path.read_bytes() for path in files}
    formatted_all = {path: format_config(source, str(path)) for path, source in originals.items()}
    unformatted = []
    for path, original in originals.items():
        formatted = formatted_all[path]
        if formatted == original:
            continue
        unformatted.append(path)
        if show_diff:
            sys.stdout.writelines(
                difflib.unified_diff(
                    original.decode().splitlines(keepends=True),
                    formatted.decode().splitlines(keepends=True),
                    str(path),
                    str(path),
                )
            )
        if not check:
            path.write_bytes(formatted)
        click.echo(str(path))
    if check and unformatted:
        sys.exit(_EXIT_UNFORMATTED)


@click.command()
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(["dot", "mermaid", "json"]),
    default="dot",
    show_default=True,
)
@variable_options
@pass_cli
def graph(cli: CliContext, fmt_: str, variables: Sequence[str], var_files: Sequence[Path]) -> None:
    """Print the dependency graph of the configuration's resources.

    \b
    Example:
      fnplan graph --format mermaid > graph.mmd
      fnplan graph | dot -Tsvg > graph.svg
    """
    from fnplan.graph import dependency_graph

    workspace = cli.workspace(variables, var_files)
    config = workspace.load()
    desired = workspace.compile(config, workspace.backend(config.backend).read())
    edges = sorted(dependency_graph(desired.resources).edges())
    nodes = sorted(desired.resources)
    if fmt_ == "json":
        click.echo(json.dumps({"nodes": nodes, "edges": [list(e) for e in edges]}, indent=2))
    elif fmt_ == "mermaid":
        ids = {node: f"n{i}" for i, node in enumerate(nodes)}
        click.echo("flowchart LR")
        for node in nodes:
            click.echo(f'  {ids[node]}["{node}"]')
        for source, target in edges:
            click.echo(f"  {ids[source]} --> {ids[target]}")
    else:
        click.echo("digraph fnplan {\n  rankdir=LR;")
        for node in nodes:
            click.echo(f'  "{node}";')
        for source, target in edges:
            click.echo(f'  "{source}" -> "{target}";')
        click.echo("}")


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
