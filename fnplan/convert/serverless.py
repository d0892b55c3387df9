"""Serverless Framework `serverless.yml`: functions and their events, and the state machines
of the Step Functions plugin (`stepFunctions.stateMachines`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fnplan.convert.asl import convert_machine, lambda_name
from fnplan.convert.aws_common import LambdaFunction, Triggers, add_function
from fnplan.convert.aws_values import logical_id
from fnplan.convert.project import Conversion

_SUFFIX = "LambdaFunction"  # the CloudFormation logical id of function `f` is FLambdaFunction


def detect(document: Any) -> bool:
    """A service with an `aws` provider (or functions), as serverless.yml declares."""
    if not isinstance(document, dict) or "service" not in document:
        return False
    provider = document.get("provider")
    return (isinstance(provider, dict) and "name" in provider) or "functions" in document


def convert(document: dict[str, Any], path: Path, conversion: Conversion) -> None:
    """Add the service's functions, state machines and their triggers."""
    provider = document.get("provider") or {}
    functions: dict[str, str] = {}
    for key, spec in (document.get("functions") or {}).items():
        with conversion.element(f"{path.name}: functions.{key}"):
            name = _function(key, spec or {}, provider, path, conversion)
            if name:
                functions[key] = name
    machines = ((document.get("stepFunctions") or {}).get("stateMachines")) or {}
    for key, machine in machines.items():
        with conversion.element(f"{path.name}: stepFunctions.stateMachines.{key}"):
            _state_machine(key, machine or {}, functions, path, conversion)
    if document.get("resources"):
        conversion.skip(f"{path.name}: resources", "CloudFormation resources are not converted")


def _function(
    key: str, spec: dict[str, Any], provider: dict[str, Any], path: Path, conversion: Conversion
) -> str | None:
    """One entry of `functions` (merged over `provider`) and its events."""
    where = f"{path.name}: functions.{key}"
    if "image" in spec:
        conversion.skip(where, "a container image function has no source directory")
        return None
    name = add_function(
        conversion,
        LambdaFunction(
            name=key,
            code_dir=path.parent,
            handler=spec.get("handler"),
            runtime=spec.get("runtime", provider.get("runtime", "python3.12")),
            where=where,
            memory=spec.get("memorySize", provider.get("memorySize")),
            timeout=spec.get("timeout", provider.get("timeout")),
            description=spec.get("description"),
            env={**(provider.get("environment") or {}), **(spec.get("environment") or {})},
        ),
    )
    if name:
        _events(spec.get("events") or [], f"function.{name}", where, conversion)
    return name


def _events(events: list[Any], target: str, where: str, conversion: Conversion) -> None:
    for event in events:
        with conversion.element(f"{where} event {event!r:.40}"):
            _event(event, target, where, conversion)


def _event(event: Any, target: str, where: str, conversion: Conversion) -> None:
    """One entry of a function's or state machine's `events`."""
    kind, spec = next(iter(event.items())) if isinstance(event, dict) else (event, None)
    triggers = Triggers(conversion, target, f"{where} event {kind}")
    if kind in ("http", "httpApi"):
        if isinstance(spec, str):
            method, _, route = spec.partition(" ")
            spec = {"method": method, "path": route or "/"} if route else {"path": method}
        spec = spec or {}
        path = str(spec.get("path", "/"))
        triggers.http(spec.get("method"), path if path.startswith("/") else f"/{path}")
    elif kind == "schedule":
        rate = spec.get("rate") if isinstance(spec, dict) else spec
        for expression in rate if isinstance(rate, list) else [rate]:
            triggers.schedule(expression)
    elif kind == "s3":
        spec = {"bucket": spec} if isinstance(spec, str) else spec or {}
        rules = spec.get("rules") or []
        prefix = next((r["prefix"] for r in rules if isinstance(r, dict) and "prefix" in r), None)
        triggers.storage(spec.get("bucket"), spec.get("event", "s3:ObjectCreated:*"), prefix)
    elif kind == "sqs":
        triggers.queue(spec.get("arn") if isinstance(spec, dict) else spec)
    elif kind in ("eventBridge", "cloudwatchEvent"):
        triggers.event_pattern((spec or {}).get("pattern") or (spec or {}).get("event"))
    else:
        triggers.unsupported(str(kind))


def _logical_id(function: str) -> str:
    """The CloudFormation logical id the framework gives function `function`."""
    text = function.replace("-", "Dash").replace("_", "Underscore")
    return f"{text[:1].upper()}{text[1:]}{_SUFFIX}"


def _state_machine(
    key: str,
    machine: dict[str, Any],
    functions: dict[str, str],
    path: Path,
    conversion: Conversion,
) -> None:
    where = f"{path.name}: stepFunctions.stateMachines.{key}"
    by_logical = {_logical_id(function): name for function, name in functions.items()}

    def resolve(value: Any) -> str | None:
        target = lambda_name(value) or logical_id(value)
        if target is None:
            return None
        return functions.get(target) or by_logical.get(target) or _by_deployed_name(target)

    def _by_deployed_name(target: str) -> str | None:
        # `${self:service}-${sls:stage}-hello` style names end with the function's key
        return next((name for k, name in functions.items() if target.endswith(f"-{k}")), None)

    name = conversion.names.name("workflow", str(machine.get("name") or key))
    steps = convert_machine(machine.get("definition"), conversion, resolve, where)
    if not steps:
        conversion.skip(where, "none of its states calls a function fnplan can run")
        return
    attributes = {"description": machine["description"]} if machine.get("description") else {}
    conversion.workflow(name, attributes, steps, f"from {where}")
    _events(machine.get("events") or [], f"workflow.{name}", where, conversion)
