"""workspace list|show|new|select|delete."""

from __future__ import annotations

import click

from fnplan.cli.context import CliContext, pass_cli


@click.group()
def workspace() -> None:
    """Manage workspaces: named states of one configuration (dev, staging, prod).

    \b
    Example:
      fnplan workspace new staging
      fnplan workspace select default
    """


@workspace.command("list")
@pass_cli
def workspace_list(cli: CliContext) -> None:
    """List the backend's workspaces; the selected one is marked with *.

    \b
    Example:
      fnplan workspace list
    """
    from fnplan.workspaces import list_workspaces

    project = cli.workspace()
    selected = project.workspace_name
    for name in list_workspaces(project):
        click.echo(f"{'*' if name == selected else ' '} {name}")


@workspace.command("show")
@pass_cli
def workspace_show(cli: CliContext) -> None:
    """Print the selected workspace's name.

    \b
    Example:
      fnplan workspace show
    """
    click.echo(cli.workspace().workspace_name)


@workspace.command("new")
@click.argument("name")
@pass_cli
def workspace_new(cli: CliContext, name: str) -> None:
    """Create a workspace with an empty state and select it.

    \b
    Example:
      fnplan workspace new staging
    """
    from fnplan.workspaces import new_workspace

    new_workspace(cli.workspace(), name)
    click.echo(f'Created and selected workspace "{name}".')


@workspace.command("select")
@click.argument("name")
@pass_cli
def workspace_select(cli: CliContext, name: str) -> None:
    """Use workspace NAME for later commands (kept in .fnplan/environment).

    \b
    Example:
      fnplan workspace select prod
    """
    from fnplan.workspaces import select_workspace

    select_workspace(cli.workspace(), name)
    click.echo(f'Switched to workspace "{name}".')


@workspace.command("delete")
@click.argument("name")
@click.option("--force", is_flag=True, help="Delete even if its state records deployed objects.")
@pass_cli
def workspace_delete(cli: CliContext, name: str, force: bool) -> None:
    """Delete a workspace's state (not the selected one, never default).

    \b
    Example:
      fnplan workspace delete staging
    """
    from fnplan.workspaces import delete_workspace

    delete_workspace(cli.workspace(), name, force=force)
    click.echo(f'Deleted workspace "{name}".')


COMMANDS = [workspace]
