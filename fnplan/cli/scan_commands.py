"""scan: a function block recognised from source code."""

from __future__ import annotations

from pathlib import Path

import click

from fnplan.cli.context import CliContext, pass_cli


@click.command()
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--handler", help="The handler function's name (default: found in the code).")
@click.option("--name", help="The function block's name (default: the directory's name).")
@click.option(
    "--runtime", default="python", show_default=True, help="The runtime block it refers to."
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write NAME.hcl and schemas/NAME.in.json, NAME.out.json into this directory.",
)
@click.option("--json", "as_json", is_flag=True, help="Print what was recognised as JSON.")
@pass_cli
def scan(
    cli: CliContext,
    path: Path,
    handler: str | None,
    name: str | None,
    runtime: str,
    out_dir: Path | None,
    as_json: bool,
) -> None:
    """Read a function's source (a file, or a directory's main.py) without running it and
    print its `function` block: handler, description from the docstring, input and output
    JSON Schemas from type hints, HTTP routes (FastAPI, Flask) and the events it emits.

    \b
    Example:
      fnplan scan functions/resize
      fnplan scan functions/orders/app.py --handler create_order -o .
    """
    from fnplan.scan.command import scan_report

    click.echo(
        scan_report(
            path,
            handler=handler,
            name=name,
            runtime=runtime,
            project_dir=cli.directory,
            out_dir=out_dir,
            as_json=as_json,
        ),
        nl=False,
    )


COMMANDS = [scan]
