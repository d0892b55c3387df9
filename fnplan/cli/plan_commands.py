"""plan, apply, destroy and show."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from fnplan.cli.context import (
    CliContext,
    PlanStatus,
    is_terminal,
    lock_options,
    pass_cli,
    variable_options,
)

_EXIT_CHANGES = 2
_EXIT_INTERRUPTED = 130


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """--timeout as seconds."""
    from fnplan.apply.calls import parse_duration
    from fnplan.errors import FnplanError

    if value is None:
        return None
    try:
        return parse_duration(value)
    except FnplanError as error:
        raise click.BadParameter(
            f"{error.message} ({error.hint})" if error.hint else error.message
        ) from None


def _plan_options(func):  # type: ignore[no-untyped-def]
    """Options shared by plan, apply and destroy."""
    for decorator in reversed(
        [
            click.option("--refresh/--no-refresh", default=True, help="Read real state first."),
            click.option(
                "--target",
                "targets",
                multiple=True,
                metavar="ADDR",
                help="Only this resource (and what it depends on). Repeatable.",
            ),
            click.option(
                "--replace",
                "replace",
                multiple=True,
                metavar="ADDR",
                help="Plan this resource for replacement. Repeatable.",
            ),
            click.option(
                "--parallelism", default=10, show_default=True, help="Concurrent operations."
            ),
            click.option(
                "--timeout",
                metavar="DURATION",
                callback=_duration,
                help="Longest any one provider call may take, e.g. 90s, 10m, 1h "
                "(default: 5m to observe, 20m to create, update or delete, unless the "
                "provider declares its own).",
            ),
            variable_options,
            lock_options,
        ]
    ):
        func = decorator(func)
    return func


@click.command()
@_plan_options
@click.option("--destroy", is_flag=True, help="Plan to destroy everything in the state.")
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, path_type=Path), help="Save the plan."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the plan as JSON (schemas/plan.schema.json)."
)
@click.option(
    "--detailed-exitcode",
    is_flag=True,
    help="Exit 0 when there are no changes, 2 when there are, 1 on error.",
)
@pass_cli
def plan(
    cli: CliContext,
    refresh: bool,
    targets: Sequence[str],
    replace: Sequence[str],
    parallelism: int,
    timeout: float | None,
    variables: Sequence[str],
    var_files: Sequence[Path],
    lock_timeout: float,
    destroy: bool,
    out: Path | None,
    as_json: bool,
    detailed_exitcode: bool,
) -> None:
    """Show what apply would change, and why.

    \b
    Example:
      fnplan plan --out tfplan && fnplan apply tfplan
      fnplan plan --target workflow.thumbnail --detailed-exitcode
    """
    from fnplan import operations
    from fnplan.plan.render import plan_json, render_plan
    from fnplan.plan.saved import save_plan

    workspace = cli.workspace(variables, var_files, lock_timeout)
    options = operations.PlanOptions(refresh, destroy, targets, replace, parallelism)
    with (
        PlanStatus(cli.console) as status,
        operations.session(workspace, "plan", timeout=timeout) as session,
    ):
        planned = operations.make_plan(session, options, progress=status)
    if as_json:
        click.echo(plan_json(planned.plan))
    else:
        render_plan(planned.plan, cli.console, drift=planned.drift)
    if out is not None:
        save_plan(planned.plan, out)
        if not as_json:
            cli.console.print(
                f'\nSaved the plan to {out}. Apply exactly this plan with "fnplan apply {out}".'
            )
    if detailed_exitcode and planned.plan.has_changes():
        sys.exit(_EXIT_CHANGES)


@click.command()
@click.argument(
    "plan_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@_plan_options
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Emit one JSON event object per line.")
@pass_cli
def apply(cli: CliContext, plan_file: Path | None, **options: Any) -> None:
    """Make the deployed system match the configuration (or execute a saved PLAN_FILE).

    \b
    Example:
      fnplan apply --auto-approve
      fnplan apply tfplan
    """
    _apply(cli, plan_file, destroy=False, **options)


@click.command()
@_plan_options
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option("--json", "as_json", is_flag=True, help="Emit one JSON event object per line.")
@pass_cli
def destroy(cli: CliContext, **options: Any) -> None:
    """Delete everything fnplan deployed for this project.

    \b
    Example:
      fnplan destroy --auto-approve
    """
    _apply(cli, None, destroy=True, **options)


def _apply(
    cli: CliContext,
    plan_file: Path | None,
    *,
    destroy: bool,
    refresh: bool,
    targets: Sequence[str],
    replace: Sequence[str],
    parallelism: int,
    timeout: float | None,
    variables: Sequence[str],
    var_files: Sequence[Path],
    lock_timeout: float,
    auto_approve: bool,
    as_json: bool,
) -> None:
    from fnplan import operations
    from fnplan.apply.calls import cancel_on_interrupt
    from fnplan.apply.progress import ApplyProgress
    from fnplan.plan.render import render_plan

    if plan_file is not None:
        _check_saved_plan_options(
            targets=targets, replace=replace, var=variables, var_file=var_files
        )
    workspace = cli.workspace(variables, var_files, lock_timeout)
    operation = "destroy" if destroy else "apply"
    status = PlanStatus(cli.console)
    with (
        status,
        operations.session(
            workspace, operation, state_only=plan_file is not None, timeout=timeout
        ) as session,
    ):
        if plan_file is not None:
            planned = operations.load_saved_plan(session, plan_file)
            status.stop()
        else:
            options = operations.PlanOptions(refresh, destroy, targets, replace, parallelism)
            planned = operations.make_plan(session, options, progress=status)
            operations.stage_code(session, planned)
            status.stop()
            if not as_json:
                render_plan(planned.plan, cli.console, drift=planned.drift)
            if planned.plan.has_changes() and not auto_approve:
                _confirm(operation)
        if not planned.plan.has_changes():
            return
        with (
            ApplyProgress(cli.console, total=planned.plan.summary, json_lines=as_json) as progress,
            cancel_on_interrupt(session.calls, lambda text: click.echo(text, err=True)),
        ):
            result = operations.apply(
                session, planned, parallelism=parallelism, on_event=progress.on_event
            )
            progress.finish(result)
    if result.interrupted:
        sys.exit(_EXIT_INTERRUPTED)
    if result.failed:
        sys.exit(1)


def _check_saved_plan_options(**given: Sequence[object]) -> None:
    """A saved plan is applied exactly as reviewed: options that would change it are refused."""
    for name, values in given.items():
        if values:
            option = f"--{name.replace('_', '-')}"
            raise click.UsageError(
                f"{option} cannot be used with a saved plan, which is applied exactly as it was "
                f"made; make a new plan with `fnplan plan {option} ... --out FILE`"
            )


def _confirm(operation: str) -> None:
    """Ask for `yes` on a terminal; refuse without one unless --auto-approve was given."""
    if not is_terminal():
        raise click.UsageError(
            f"{operation} needs confirmation, and there is no terminal to ask on; "
            "review the plan and pass --auto-approve"
        )
    verb = "destroy all resources" if operation == "destroy" else "perform these actions"
    answer = click.prompt(f"\nDo you want to {verb}? Only 'yes' will be accepted", default="")
    if answer.strip() != "yes":
        click.echo(f"{operation.capitalize()} cancelled.")
        sys.exit(1)


@click.command()
@click.argument(
    "plan_file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--format",
    "fmt_",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="markdown: a saved plan for a pull-request comment (attribute diffs folded, "
    "workflow graph diffs as Mermaid, sensitive values hidden).",
)
@pass_cli
def show(cli: CliContext, plan_file: Path | None, as_json: bool, fmt_: str) -> None:
    """Show a saved plan, or (without PLAN_FILE) the current state.

    \b
    Example:
      fnplan show tfplan
      fnplan show --json
      fnplan show tfplan --format markdown > plan.md
    """
    as_json = as_json or fmt_ == "json"
    if fmt_ == "markdown" and plan_file is None:
        from fnplan.errors import FnplanError

        raise FnplanError("--format markdown shows a saved plan: give its PLAN_FILE")
    if plan_file is not None:
        from fnplan.plan.render import plan_json, render_plan
        from fnplan.plan.saved import load_plan

        saved = load_plan(plan_file)
        if fmt_ == "markdown":
            from fnplan.studio.plan_markdown import plan_markdown

            click.echo(plan_markdown(saved), nl=False)
        elif as_json:
            click.echo(plan_json(saved))
        else:
            render_plan(saved, cli.console)
        return
    from fnplan.cli.state_view import print_state
    from fnplan.operations import state

    print_state(state.read(cli.workspace()), cli.console, as_json=as_json)


COMMANDS = [plan, apply, destroy, show]
