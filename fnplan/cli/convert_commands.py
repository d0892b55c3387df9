"""convert and export: other serverless formats into fnplan HCL, and workflows back out."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from fnplan.cli.context import CliContext, pass_cli, variable_options


@click.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--from",
    "source_format",
    type=click.Choice(["serverless", "sam", "knative", "sw"]),
    help="The input format (default: detected): Serverless Framework, AWS SAM, Knative, "
    "CNCF Serverless Workflow DSL 1.0.",
)
@click.option(
    "-o",
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Write main.hcl (and schemas/) into this directory.",
)
def convert(files: tuple[Path, ...], source_format: str | None, out_dir: Path) -> None:
    """Convert FILES (serverless.yml, a SAM template, Knative manifests, Serverless Workflow
    documents) into an fnplan project: DIR/main.hcl, function sources pointing back beside
    the inputs. Every element not converted is listed with the reason; names that had to
    change are listed too. Exit 1 when a file is none of these formats.

    \b
    Example:
      fnplan convert serverless.yml -o fnplan/
      fnplan convert template.yaml --from sam -o converted && fnplan -C converted validate
    """
    from fnplan.convert import convert_files
    from fnplan.convert.report import report_text

    click.echo(report_text(convert_files(list(files), source_format, out_dir)), nl=False)


@click.command()
@click.argument("address")
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(["serverless-workflow"]),
    required=True,
    help="serverless-workflow: a CNCF Serverless Workflow DSL 1.0 document (YAML).",
)
@click.option(
    "--version",
    "doc_version",
    default="1.0.0",
    show_default=True,
    help="The document's version (semantic).",
)
@click.option(
    "-o",
    "--out",
    "out_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the document to this file instead of printing it.",
)
@variable_options
@pass_cli
def export(
    cli: CliContext,
    address: str,
    fmt_: str,
    doc_version: str,
    out_file: Path | None,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Write the workflow at ADDRESS (workflow.NAME) in another format: its steps in
    dependency order, `when` as `if`, retries and catches as try/catch, references to other
    steps' outputs through the context.

    \b
    Example:
      fnplan export --format serverless-workflow workflow.thumbnail > thumbnail.sw.yaml
    """
    from fnplan.convert.export import export_text

    text = export_text(cli.workspace(variables, var_files), address, doc_version)
    if out_file is None:
        click.echo(text, nl=False)
    else:
        out_file.write_text(text)
        click.echo(f"wrote {out_file}")


COMMANDS = [convert, export]
