"""The `fnplan` command: click wiring only. Each command hands its work to the engine packages.

Importing this module must stay cheap (`fnplan --version` ≤ 0.2 s): command modules import
the engine inside their functions.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from fnplan import __version__
from fnplan.cli import (
    convert_commands,
    diff_commands,
    edit_commands,
    event_commands,
    import_commands,
    plan_commands,
    project_commands,
    provider_commands,
    run_commands,
    scan_commands,
    state_commands,
    workspace_commands,
)
from fnplan.cli.context import CliContext

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(
    __version__, "--version", "-v", prog_name="fnplan", message="%(prog)s %(version)s"
)
@click.option(
    "-C",
    "--chdir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Project directory to work in.",
)
@click.option("--no-color", is_flag=True, help="Plain output without colours.")
@click.pass_context
def cli(ctx: click.Context, directory: Path, no_color: bool) -> None:
    """Plan and apply serverless systems: runtimes, functions, workflows, events and triggers.

    \b
    Example:
      fnplan -C examples/quickstart plan
      fnplan -C examples/quickstart apply --auto-approve
    """
    ctx.obj = CliContext(directory=directory.resolve(), color=not no_color)


for module in (
    project_commands,
    plan_commands,
    state_commands,
    import_commands,
    run_commands,
    event_commands,
    provider_commands,
    workspace_commands,
    diff_commands,
    edit_commands,
    scan_commands,
    convert_commands,
):
    for command in module.COMMANDS:
        cli.add_command(command)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry: user errors print cleanly and exit 1; bugs say so."""
    from fnplan.errors import FnplanError

    try:
        return cli.main(args=argv, prog_name="fnplan", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:  # click's form of Ctrl-C (and of end of input at a prompt)
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(1 if exc.exit_code == 2 else exc.exit_code)
    except FnplanError as exc:
        _print_error(exc.render())
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("FNPLAN_DEBUG") == "1":
            raise
        _print_error(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "  This is a bug in fnplan. Run again with FNPLAN_DEBUG=1 for the traceback."
        )
        sys.exit(1)
    finally:
        _close_providers()


def _close_providers() -> None:
    """Close every provider the command opened, also after an error (a command that never
    imported the provider module opened none)."""
    provider_module = sys.modules.get("fnplan.provider")
    if provider_module is None:
        return
    for failure in provider_module.close_opened_providers():
        click.echo(f"warning: {failure}", err=True)


def _print_error(text: str) -> None:
    if os.environ.get("FNPLAN_DEBUG") == "1":
        import traceback

        traceback.print_exc()
    click.secho(text, err=True, fg="red" if sys.stderr.isatty() else None)


if __name__ == "__main__":
    main()
