"""convert and export: other serverless formats into fnplan HCL, and workflows back out."""

from __future__ import annotations

from pathlib import Path

import click


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


COMMANDS = [convert]
