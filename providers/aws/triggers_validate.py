"""What `fnplan validate` says about a trigger on AWS, at the attribute concerned: what AWS
cannot express (a schedule Scheduler cannot say, a run-time `input`, a source or completion
AWS does not connect to the target), and the settings each source block takes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnplan.provider_schema import Diagnostic

from .schedules import ScheduleExpressionError, scheduler_expression
from .trigger_input import Untranslatable, has_expression, input_transformer
from .triggers_sources import SOURCE_SETTINGS, STORAGE_EVENTS, URL_AUTH, source_config


def trigger_diagnostics(attributes: Mapping[str, Any]) -> list[Diagnostic]:
    """Every problem of one trigger's attributes (docs/resource-attributes.md)."""
    kind = attributes.get("kind")
    found: list[Diagnostic] = []
    if kind == "schedule":
        try:
            scheduler_expression(str(attributes.get("schedule")))
        except ScheduleExpressionError as error:
            found.append(Diagnostic(str(error), "schedule"))
    if kind == "completion" and not str(attributes.get("on_completion")).startswith("workflow."):
        found.append(
            Diagnostic(
                "on AWS a completion trigger follows a workflow (Step Functions' status-change "
                "events); a function's completion sends no event",
                "on_completion",
            )
        )
    if kind in SOURCE_SETTINGS:
        if kind == "storage" and attributes.get("target_type") != "function":
            found.append(
                Diagnostic(
                    "on AWS a storage trigger starts a function (S3 notifies Lambda functions); "
                    "let a function start the workflow",
                    "target",
                )
            )
        found += _source_diagnostics(str(kind), source_config(attributes))
    given = attributes.get("input")
    if has_expression(given):
        found += _input_diagnostics(str(kind), given)
    if attributes.get("sensitive_input"):
        found.append(
            Diagnostic(
                "the input holds a sensitive value, which AWS would store in clear in the "
                "trigger's rule, schedule or integration; let the target read the secret "
                'itself (a data "aws_secret" block gives its ARN)',
                "input",
            )
        )
    return found


def _input_diagnostics(kind: str, given: Any) -> list[Diagnostic]:
    """An event trigger's input may copy values out of the event; other inputs are constant."""
    if kind != "event":
        return [
            Diagnostic(
                f"on AWS a {kind} trigger's input is a constant (the service passes a fixed "
                "text or its own payload); leave `input` out to pass the payload, or drop the "
                "expressions",
                "input",
            )
        ]
    try:
        input_transformer(given)
    except Untranslatable as error:
        return [
            Diagnostic(
                f"on AWS an event trigger's input may copy values out of the event "
                f"(input.X, event.data.X, event.id, event.source, event.type, event.time), "
                f"not compute them: {error}",
                "input",
            )
        ]
    return []


def _source_diagnostics(kind: str, config: Mapping[str, Any]) -> list[Diagnostic]:
    allowed = SOURCE_SETTINGS[kind]
    found = [
        Diagnostic(f"a {kind} source on AWS takes {', '.join(allowed)}, not {key!r}", "source")
        for key in config
        if key not in allowed
    ]
    required = {"storage": "bucket", "queue": "queue"}.get(kind)
    if required and not (isinstance(config.get(required), str) and config[required]):
        found.append(Diagnostic(f"a {kind} source on AWS needs `{required}` (a name)", "source"))
    for name in config.get("events") or [] if kind == "storage" else []:
        if name not in STORAGE_EVENTS and not str(name).startswith("s3:"):
            found.append(
                Diagnostic(
                    f"unknown storage event {name!r}: use {', '.join(STORAGE_EVENTS)} or an S3 "
                    "event name (s3:ObjectCreated:Put, ...)",
                    "source",
                )
            )
    if kind == "http" and str(config.get("auth") or "iam") not in URL_AUTH:
        found.append(
            Diagnostic(
                f"auth of an http source is {' or '.join(URL_AUTH)}, not {config['auth']!r}",
                "source",
            )
        )
    size = config.get("batch_size")
    if kind == "queue" and size is not None and not (isinstance(size, int) and 1 <= size <= 10_000):
        found.append(Diagnostic(f"batch_size takes 1 to 10000, not {size!r}", "source"))
    return found
