"""AWS SAM templates: AWS::Serverless::Function and AWS::Serverless::StateMachine (inline
definitions, or a local DefinitionUri file) with their events."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from fnplan.convert.asl import convert_machine, lambda_name
from fnplan.convert.aws_common import LambdaFunction, Triggers, add_function
from fnplan.convert.aws_values import intrinsic, load_template, logical_id
from fnplan.convert.project import Conversion

_SUBSTITUTION = re.compile(r"\$\{(\w+)\}")


def detect(document: Any) -> bool:
    """A SAM template: the Serverless transform, or AWS::Serverless::* resources."""
    if not isinstance(document, dict):
        return False
    transform = document.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    resources = document.get("Resources")
    return "AWS::Serverless-2016-10-31" in transforms or (
        isinstance(resources, dict)
        and any(
            isinstance(r, dict) and str(r.get("Type", "")).startswith("AWS::Serverless::")
            for r in resources.values()
        )
    )


def convert(document: dict[str, Any], path: Path, conversion: Conversion) -> None:
    """Add the template's functions, state machines and their triggers."""
    resources: dict[str, Any] = document.get("Resources") or {}
    defaults = ((document.get("Globals") or {}).get("Function")) or {}
    functions: dict[str, str] = {}
    for logical, resource in resources.items():
        kind = resource.get("Type") if isinstance(resource, dict) else None
        where = f"{path.name}: {logical}"
        if kind == "AWS::Serverless::Function":
            with conversion.element(where):
                props = resource.get("Properties") or {}
                name = _function(logical, props, defaults, path, conversion)
                if name:
                    functions[logical] = name
                    _events(resource, f"function.{name}", where, conversion)
        elif kind != "AWS::Serverless::StateMachine":
            conversion.skip(where, f"{kind} is not a serverless element; create it apart")
    for logical, resource in resources.items():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::Serverless::StateMachine":
            with conversion.element(f"{path.name}: {logical}"):
                _state_machine(logical, resource, functions, path, conversion)
    for parameter in document.get("Parameters") or {}:
        conversion.skip(f"{path.name}: parameter {parameter}", "declare a variable block for it")
    for output in document.get("Outputs") or {}:
        conversion.skip(f"{path.name}: output {output}", "CloudFormation outputs are not kept")


def _function(
    logical: str,
    props: dict[str, Any],
    defaults: dict[str, Any],
    path: Path,
    conversion: Conversion,
) -> str | None:
    merged = {**defaults, **props}
    where = f"{path.name}: {logical}"
    if merged.get("PackageType") == "Image":
        conversion.skip(where, "a container image function has no source directory")
        return None
    if "InlineCode" in merged:
        conversion.skip(where, "InlineCode: fnplan functions are code directories")
        return None
    code = merged.get("CodeUri", ".")
    if not isinstance(code, str) or code.startswith("s3://"):
        conversion.skip(where, "its code is kept in S3 (CodeUri), not beside the template")
        return None
    variables = (merged.get("Environment") or {}).get("Variables")
    env = {**(((defaults.get("Environment") or {}).get("Variables")) or {}), **(variables or {})}
    return add_function(
        conversion,
        LambdaFunction(
            name=logical,
            code_dir=path.parent / code,
            handler=merged.get("Handler"),
            runtime=merged.get("Runtime", "python3.12"),
            where=where,
            memory=merged.get("MemorySize"),
            timeout=merged.get("Timeout"),
            description=merged.get("Description"),
            env=env,
        ),
    )


def _events(resource: dict[str, Any], target: str, where: str, conversion: Conversion) -> None:
    events = (resource.get("Properties") or {}).get("Events") or {}
    for name, event in events.items():
        with conversion.element(f"{where} event {name}"):
            _event(event, Triggers(conversion, target, f"{where} event {name}"))


def _event(event: dict[str, Any], triggers: Triggers) -> None:
    """One entry of a function's or state machine's `Events`."""
    props = event.get("Properties") or {}
    kind = event.get("Type")
    if kind in ("Api", "HttpApi"):
        triggers.http(props.get("Method"), props.get("Path"))
    elif kind in ("Schedule", "ScheduleV2"):
        triggers.schedule(props.get("Schedule") or props.get("ScheduleExpression"))
    elif kind == "S3":
        rules = ((props.get("Filter") or {}).get("S3Key") or {}).get("Rules") or []
        prefix = next((r.get("Value") for r in rules if r.get("Name") == "prefix"), None)
        triggers.storage(props.get("Bucket"), props.get("Events"), prefix)
    elif kind == "SQS":
        triggers.queue(props.get("Queue"))
    elif kind in ("EventBridgeRule", "CloudWatchEvent"):
        triggers.event_pattern(props.get("Pattern"))
    else:
        triggers.unsupported(str(kind))


def _state_machine(
    logical: str,
    resource: dict[str, Any],
    functions: dict[str, str],
    path: Path,
    conversion: Conversion,
) -> None:
    props = resource.get("Properties") or {}
    where = f"{path.name}: {logical}"
    definition = props.get("Definition")
    uri = props.get("DefinitionUri")
    if definition is None and isinstance(uri, str) and not uri.startswith("s3://"):
        local = path.parent / uri
        try:
            definition = load_template(local.read_text())
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            conversion.skip(where, f"DefinitionUri {uri} cannot be read beside the template: {exc}")
            return
    if definition is None:
        conversion.skip(where, "its definition is kept in S3 (DefinitionUri)")
        return
    substitutions = props.get("DefinitionSubstitutions") or {}

    def resolve(value: Any) -> str | None:
        if isinstance(value, str):
            match = _SUBSTITUTION.fullmatch(value)
            if match:
                value = substitutions.get(match.group(1))
            elif lambda_name(value):
                value = lambda_name(value)
        if intrinsic(value) == "Fn::Sub":
            return None
        return functions.get(logical_id(value) or "")

    name = conversion.names.name("workflow", logical)
    steps = convert_machine(definition, conversion, resolve, where)
    if not steps:
        conversion.skip(where, "none of its states calls a function fnplan can run")
        return
    conversion.workflow(name, {}, steps, f"from {where}")
    _events(resource, f"workflow.{name}", where, conversion)
