"""run, invoke, logs and runs: executing deployed workflows and functions, reading their logs
(see docs/runs.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from fnplan.cli.context import CliContext, pass_cli, variable_options

if TYPE_CHECKING:
    from fnplan.run import Decision, RunResult
    from fnplan.run.progress import RunProgress
    from fnplan.workflow.model import Step, WorkflowDocument
    from fnplan.workspace import Workspace


@click.command()
@click.argument("workflow")
@click.option(
    "--input",
    "input_text",
    metavar="JSON|@FILE",
    help="The workflow input: JSON text, or @path to a JSON file. Default: {}, or with "
    "--from the input of the execution it resumes.",
)
@click.option("--execution-id", metavar="ID", help="Id of the new execution (default: generated).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@click.option("--step", "stepping", is_flag=True, help="Pause before each step and ask what to do.")
@click.option("--break-at", metavar="STEP", help="Run until STEP, then pause before each step.")
@click.option("--from", "from_step", metavar="STEP", help="Re-run from STEP (needs --execution).")
@click.option(
    "--execution",
    "from_execution",
    metavar="ID",
    help="With --from: reuse this execution's outputs of the steps before STEP.",
)
@variable_options
@pass_cli
def run(
    cli: CliContext,
    workflow: str,
    input_text: str | None,
    execution_id: str | None,
    as_json: bool,
    stepping: bool,
    break_at: str | None,
    from_step: str | None,
    from_execution: str | None,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Run a deployed WORKFLOW (workflow.NAME) and print its output.

    A function address (function.NAME) invokes that function, as `fnplan invoke` does.
    On a terminal a live table shows each step; otherwise one line per event goes to stderr.
    Exits 1 when the run fails, naming the failed step and the execution log.
    --step asks before each step: [c]ontinue, [s]kip it, show its [i]nput, or [q]uit
    (the run then fails as stopped by the user).

    \b
    Example:
      fnplan run workflow.thumbnail --input '{"url": "https://example.com/cat.png"}'
      fnplan run workflow.thumbnail --input @event.json --step
      fnplan run workflow.thumbnail --from resize --execution 20250101T120000Z-1a2b3c4d5e6f
    """
    from fnplan.events.dispatch import describe
    from fnplan.operations import runs as operations
    from fnplan.run import RunOptions
    from fnplan.run.debug import Stepper, require_step
    from fnplan.run.input import parse_input
    from fnplan.run.invoke import is_function_address

    if (from_step is None) != (from_execution is None):
        raise click.UsageError("--from STEP and --execution ID go together")
    address = operations.workflow_address(workflow)
    workspace = cli.workspace(variables, var_files)
    if is_function_address(address):
        if stepping or break_at or from_step:
            raise click.UsageError("--step, --break-at and --from apply to workflows only")
        payload = {} if input_text is None else parse_input(input_text)
        _invoke(cli, workspace, address, payload, None, execution_id, as_json)
        return
    deployed = operations.deployed(workspace, address, "workflow")
    address = deployed.record.address  # the one copy a plain name means (several targets)
    runner = deployed.runner()
    document = deployed.document
    for name, option in ((break_at, "--break-at"), (from_step, "--from")):
        if name is not None:
            require_step(document, name, option)
    payload = operations.run_input(workspace, address, input_text, from_execution)
    debugging = stepping or break_at is not None
    progress = None if as_json else _progress(document, cli.color, live=not debugging)
    options = RunOptions(
        execution_id=execution_id,
        on_event=progress,
        hooks=Stepper(_ask, break_at) if debugging else None,
        from_step=from_step,
        from_execution=from_execution,
        masked=deployed.redact,
    )
    with progress or nullcontext():
        result = runner.run_workflow(address, payload, options=options)
    for started in operations.fire_completion(workspace, address, result, _notice):
        click.echo(describe(started), err=True)
    _report(address, result, as_json, [*document.sensitive_values, *deployed.redact])


@click.command()
@click.argument("function")
@click.option(
    "--input",
    "input_text",
    metavar="JSON|@FILE",
    help="The event: JSON text, or @path to a JSON file. Default: {}.",
)
@click.option("--version", metavar="HASH", help="This deployed version (default: the latest).")
@click.option("--execution-id", metavar="ID", help="Id of the new execution (default: generated).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as one JSON object.")
@variable_options
@pass_cli
def invoke(
    cli: CliContext,
    function: str,
    input_text: str | None,
    version: str | None,
    execution_id: str | None,
    as_json: bool,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Invoke a deployed FUNCTION (function.NAME) once with an event and print its result.

    Like `sam local invoke`: the handler runs in a worker as in a workflow step, its input and
    output are checked against the function's schemas, and the invocation is recorded, so
    `fnplan runs function.NAME` and `fnplan logs function.NAME` show it. Exits 1 when the
    handler fails.

    \b
    Example:
      fnplan invoke function.resize --input '{"path": "data/sample.txt"}'
      fnplan invoke function.resize --version 3f2a... --input @event.json --json
    """
    from fnplan.operations.runs import function_address
    from fnplan.run.input import parse_input

    address = function_address(function)
    workspace = cli.workspace(variables, var_files)
    payload = {} if input_text is None else parse_input(input_text)
    _invoke(cli, workspace, address, payload, version, execution_id, as_json)


def _invoke(
    cli: CliContext,
    workspace: Workspace,
    address: str,
    payload: Any,
    version: str | None,
    execution_id: str | None,
    as_json: bool,
) -> None:
    """Invoke a deployed function through its provider and report the result."""
    from fnplan.operations.runs import deployed
    from fnplan.run import RunOptions, function_document

    function = deployed(workspace, address, "function")
    address = function.record.address
    invoker = function.invoker()
    progress = None
    if not as_json:
        progress = _progress(function_document(address, version or "latest"), cli.color, True)
    options = RunOptions(execution_id=execution_id, on_event=progress, masked=function.redact)
    with progress or nullcontext():
        result = invoker.invoke_function(address, payload, version=version, options=options)
    _report(address, result, as_json, function.redact)


def _notice(text: str) -> None:
    click.echo(text, err=True)


def _progress(document: WorkflowDocument, color: bool, live: bool) -> RunProgress:
    from rich.console import Console

    from fnplan.run.progress import RunProgress

    terminal = None if live else False
    console = Console(stderr=True, no_color=not color, force_terminal=terminal, soft_wrap=True)
    return RunProgress(document, console)


def _ask(step: Step, resolved_input: Any) -> Decision:
    """The --step prompt; end of input counts as quit."""
    choices: dict[str, Decision] = {"c": "continue", "s": "skip", "q": "stop"}
    while True:
        try:
            answer = click.prompt(
                f"before step {step.name!r} ({step.type}): [c]ontinue, [s]kip, [i]nput, [q]uit",
                default="c",
                show_default=False,
                err=True,
            )
        except click.Abort:
            return "stop"
        key = answer.strip().lower()[:1]
        if key == "i":
            click.echo(json.dumps(resolved_input, indent=2, default=str), err=True)
        elif key in choices:
            return choices[key]
        else:
            click.echo("answer c, s, i or q", err=True)


def _report(address: str, result: RunResult, as_json: bool, sensitive: Sequence[str]) -> None:
    """Print the output (sensitive values masked, as in the log) or fail naming the log."""
    from fnplan.errors import FnplanError
    from fnplan.run.masking import Masker

    output = Masker(sensitive).value(result.output)
    if as_json:
        click.echo(json.dumps(_result_json(result, output), indent=2, default=str))
        if result.status != "succeeded":
            sys.exit(1)
        return
    if result.status == "succeeded":
        click.echo(json.dumps(output, indent=2, default=str, ensure_ascii=False))
        return
    where = f" at step {result.failed_step!r}" if result.failed_step else ""
    error = f": {result.error.type}: {result.error.message}" if result.error else ""
    raise FnplanError(
        f"run {result.execution_id} of {address} failed{where}{error}",
        hint=f"fnplan logs {address} --execution {result.execution_id}",
        notes=[f"log: {result.log_path}"],
    )


def _result_json(result: RunResult, output: Any) -> dict[str, Any]:
    return {
        "execution_id": result.execution_id,
        "status": result.status,
        "output": output,
        "error": result.error.model_dump() if result.error else None,
        "failed_step": result.failed_step,
        "log_path": str(result.log_path),
    }


@click.command()
@click.argument("workflow")
@click.option("--execution", "execution_id", metavar="ID", help="This execution (default: latest).")
@click.option("--step", metavar="STEP", help="Only the records of this step.")
@click.option("--follow", "-f", is_flag=True, help="Keep printing records until the run ends.")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON lines.")
@variable_options
@pass_cli
def logs(
    cli: CliContext,
    workflow: str,
    execution_id: str | None,
    step: str | None,
    follow: bool,
    as_json: bool,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Print the execution log of WORKFLOW's latest (or a given) run.

    Each line is one record: time, step, attempt, event, duration and error; the captured
    stdout/stderr files of an attempt follow it.

    \b
    Example:
      fnplan logs workflow.thumbnail
      fnplan logs workflow.thumbnail --execution 20250101T120000Z-1a2b3c4d5e6f --step resize
      fnplan logs workflow.thumbnail --follow
    """
    from fnplan.operations import runs as operations
    from fnplan.run.logtext import record_lines

    address = operations.workflow_address(workflow)
    workspace = cli.workspace(variables, var_files)
    log = operations.execution_log(workspace, address, execution_id, step=step, follow=follow)
    try:
        for record in log:
            if as_json:
                click.echo(record.model_dump_json())
            else:
                click.echo("\n".join(record_lines(record)))
    except KeyboardInterrupt:
        return
    log.check_step()


@click.command()
@click.argument("workflow")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="Show at most this many runs.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the runs as a JSON list.")
@variable_options
@pass_cli
def runs(
    cli: CliContext,
    workflow: str,
    limit: int,
    as_json: bool,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """List WORKFLOW's past executions, newest first.

    \b
    Example:
      fnplan runs workflow.thumbnail --limit 5
    """
    from fnplan.operations import runs as operations
    from fnplan.run.logtext import duration_text

    workspace = cli.workspace(variables, var_files)
    found = operations.executions(workspace, operations.workflow_address(workflow), limit)
    if as_json:
        click.echo(json.dumps([execution.to_json() for execution in found], indent=2))
        return
    rows = [("EXECUTION", "STATUS", "STARTED", "DURATION", "FAILED STEP")]
    for execution in found:
        started = execution.started.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        duration = "" if execution.duration_ms is None else duration_text(execution.duration_ms)
        rows.append(
            (
                execution.execution_id,
                execution.summary,
                started,
                duration,
                execution.failed_step or "",
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


COMMANDS: list[click.Command] = [run, invoke, logs, runs]
