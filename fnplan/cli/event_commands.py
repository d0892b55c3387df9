"""emit and serve: events and triggers on this machine (see docs/events.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fnplan.cli.context import CliContext, pass_cli, variable_options
from fnplan.events.cloudevent import DEFAULT_SOURCE

if TYPE_CHECKING:
    from fnplan.events.dispatch import TargetResult
    from fnplan.events.security import Policy
    from fnplan.events.server import ServeApp
    from fnplan.studio.web.routes import Studio


@click.command()
@click.argument("event_type", metavar="TYPE")
@click.option(
    "--data",
    "data_text",
    default="null",
    metavar="JSON|@FILE",
    help="The event's data: JSON text, or @FILE holding JSON.",
)
@click.option("--source", default=DEFAULT_SOURCE, show_default=True, help="CloudEvents source URI.")
@click.option("--json", "as_json", is_flag=True, help="Print the event and results as JSON.")
@variable_options
@pass_cli
def emit(
    cli: CliContext,
    event_type: str,
    data_text: str,
    source: str,
    as_json: bool,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Send a CloudEvent of TYPE: every trigger listening for it starts its target.

    The data is checked against the schema of the event block that declares TYPE.
    Exits 1 when a target (or a completion trigger it fired) failed.

    \b
    Example:
      fnplan emit com.example.image.uploaded --data '{"url": "data/sample.txt"}'
      fnplan emit com.example.image.uploaded --data @event.json --json
    """
    from fnplan.operations.events import emission

    workspace = cli.workspace(variables, var_files)
    emitted = emission(workspace, event_type, data_text, source, on_notice=_notice)
    unheard = emitted.unheard()
    if unheard is not None:
        _notice(unheard)
    elif not as_json:
        count = len(emitted.firings)
        click.echo(f"Event {emitted.event.get_id()} ({event_type}) fired {count} trigger(s).")
    results = emitted.run()
    if as_json:
        click.echo(json.dumps(emitted.to_json(results), indent=2, default=str))
    else:
        _print_results(results)
    if any(result.status == "failed" for result in results):
        sys.exit(1)


@click.command()
@click.option("--port", type=int, default=8080, show_default=True, help="Port (0: a free one).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME[:PORT]",
    help="Also accept requests whose Host header is NAME (repeatable).",
)
@click.option(
    "--token",
    envvar="FNPLAN_SERVE_TOKEN",
    show_envvar=True,
    metavar="TOKEN",
    help="Require 'Authorization: Bearer TOKEN' on every path but /healthz "
    "(required with a --host other than loopback).",
)
@click.option(
    "--max-body",
    type=click.IntRange(min=1),
    default=1024 * 1024,
    show_default=True,
    metavar="BYTES",
    help="Largest request body; larger ones are answered 413.",
)
@click.option(
    "--dedup-window",
    type=click.FloatRange(min=0),
    default=600.0,
    show_default=True,
    metavar="SECONDS",
    help="A CloudEvent whose (source, id) arrived within this time runs only once (0: off).",
)
@click.option("--once", is_flag=True, help="Fire every schedule trigger once now, then exit.")
@click.option(
    "--ui",
    is_flag=True,
    help="Also serve the studio under /ui/: workflows drawn and edited, the plan, live runs.",
)
@click.option(
    "--wait",
    type=click.FloatRange(min=0),
    default=25.0,
    show_default=True,
    metavar="SECONDS",
    help="How long a request waits for its runs before answering 202 with the execution ids.",
)
@variable_options
@pass_cli
def serve(
    cli: CliContext,
    port: int,
    host: str,
    allow_hosts: tuple[str, ...],
    token: str | None,
    max_body: int,
    dedup_window: float,
    once: bool,
    ui: bool,
    wait: float,
    variables: Sequence[str],
    var_files: Sequence[Path],
) -> None:
    """Run the project's triggers: schedules, http triggers and events, until Ctrl-C.

    Serves each http trigger's path, POST /events (CloudEvents: structured, batch or
    binary mode), GET /metrics (Prometheus) and GET /healthz. Requests must name this
    server in Host (and Origin, from a browser). SIGINT/SIGTERM stop it after running
    runs finish.

    \b
    Example:
      fnplan serve --port 8080
      curl -X POST localhost:8080/hooks/thumbnail -d '{"url": "data/sample.txt"}'
      FNPLAN_SERVE_TOKEN=... fnplan serve --host 0.0.0.0 --allow-host my-box.lan
      fnplan serve --once
      fnplan serve --ui --port 8080     # then open http://127.0.0.1:8080/ui/
    """
    from fnplan.events.security import Policy, check_exposure
    from fnplan.operations.events import serve_app
    from fnplan.studio.web import open_studio

    if ui and once:
        raise click.UsageError("--ui serves until stopped: it does not go with --once")
    if not once:
        check_exposure(host, token)
    workspace = cli.workspace(variables, var_files)
    app = serve_app(workspace, report=click.echo, wait=wait, dedup_window=dedup_window)
    studio = open_studio(workspace) if ui else None
    try:
        _print_schedules(app)
        if once:
            results = app.once()
            _print_results(results)
            if any(result.status == "failed" for result in results):
                sys.exit(1)
            return
        _serve(app, host, port, Policy(allow_hosts, token or None, max_body), studio)
    finally:
        app.close()
        if studio is not None:
            studio.close()


def _serve(app: ServeApp, host: str, port: int, policy: Policy, studio: Studio | None) -> None:
    from fnplan.events.runner import serve

    def ready(bound_host: str, bound_port: int) -> None:
        base = f"http://{bound_host}:{bound_port}"
        click.echo(f"  GET  {base}/healthz, GET {base}/metrics, POST {base}/events")
        if studio is not None:
            opened = "?token=<token>" if policy.token else ""
            click.echo(f"  UI   {base}/ui/{opened} (the studio)")
        for (method, path), trigger in sorted(app.routes.items(), key=lambda item: item[0][1]):
            click.echo(f"  {method:<4} {base}{path} -> {trigger['address']} -> {trigger['target']}")
        for trigger in app.dispatcher.triggers:
            if trigger.get("event_type"):
                route = f"{trigger['address']} -> {trigger['target']}"
                click.echo(f"  event {trigger['event_type']} -> {route}")
        if policy.token:
            click.echo("  every path but /healthz needs 'Authorization: Bearer <token>'")
        click.echo(f"Listening on {base} (Ctrl-C to stop)")

    routes = studio.routes() if studio is not None else []
    stopped = studio.stopped if studio is not None else None
    serve(app, host, port, policy, ready=ready, routes=routes, stopped=stopped)
    click.echo("Stopped: every running run finished.")


def _print_schedules(app: ServeApp) -> None:
    for entry in app.schedule:
        when = entry.next_at.isoformat().replace("+00:00", "Z")
        target = entry.trigger.get("target")
        click.echo(f"  schedule {entry.address} {entry.expression!r} -> {target}, next at {when}")


def _print_results(results: list[TargetResult]) -> None:
    from fnplan.events.dispatch import describe

    for result in results:
        click.echo(describe(result))


def _notice(text: str) -> None:
    click.echo(f"notice: {text}", err=True)


COMMANDS: list[click.Command] = [emit, serve]
