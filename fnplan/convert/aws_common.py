"""What the Serverless Framework and SAM readers share: Lambda functions and their event
sources as fnplan functions and triggers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fnplan.convert.aws_values import (
    cron,
    event_pattern_type,
    intrinsic,
    logical_id,
    storage_events,
)
from fnplan.convert.hcl_writer import Block, expr
from fnplan.convert.project import Conversion


@dataclass
class LambdaFunction:
    """A Lambda function as read from a template (values already merged with defaults)."""

    name: str
    code_dir: Path
    handler: Any  # "module.function" when the template is right
    runtime: str
    where: str
    memory: Any = None
    timeout: Any = None
    description: Any = None
    env: Any = None


def add_function(conversion: Conversion, function: LambdaFunction) -> str | None:
    """The fnplan function for a Lambda function; None (reported) when it cannot be one."""
    if not isinstance(function.handler, str) or "." not in function.handler:
        conversion.skip(function.where, f"handler {function.handler!r} is not module.function")
        return None
    directory, _, handler = function.handler.rpartition("/")
    attributes: dict[str, Any] = {
        "runtime": expr(conversion.runtime(str(function.runtime))),
        "source": conversion.path(function.code_dir / directory),
        "handler": handler,
    }
    if isinstance(function.description, str):
        attributes["description"] = function.description
    for key, value in (("memory", function.memory), ("timeout", function.timeout)):
        if isinstance(value, int | float) and not isinstance(value, bool):
            attributes[key] = value
        elif value is not None:
            conversion.skip(f"{function.where}: {key}", f"{value!r} is not a number")
    env = _environment(conversion, function.env, function.where)
    if env:
        attributes["env"] = env
    return conversion.function(function.name, attributes, f"from {function.where}")


def _environment(conversion: Conversion, variables: Any, where: str) -> dict[str, Any]:
    env: dict[str, Any] = {}
    for key, value in (variables or {}).items():
        if isinstance(value, str) and "${" in value:
            conversion.skip(f"{where}: environment variable {key}", f"{value} cannot be evaluated")
        elif isinstance(value, str | int | float) and not isinstance(value, bool):
            env[str(key)] = str(value)
        else:
            reason = (
                f"the CloudFormation intrinsic {intrinsic(value)} cannot be evaluated"
                if intrinsic(value)
                else f"{value!r} is not a string"
            )
            conversion.skip(f"{where}: environment variable {key}", reason)
    return env


@dataclass
class Triggers:
    """Adds the triggers of one target (a function or a workflow) from its event sources."""

    conversion: Conversion
    target: str  # function.x / workflow.y
    where: str

    def _add(self, kind: str, attributes: dict[str, Any], source: Block | None = None) -> None:
        base = self.target.split(".", 1)[1]
        self.conversion.trigger(
            f"{base}_{kind}", self.target, attributes, f"from {self.where}", source
        )

    def http(self, method: Any, path: Any) -> None:
        method = "ANY" if method in (None, "*", "any") else str(method).upper()
        attributes: dict[str, Any] = {"path": str(path or "/")}
        if method != "ANY":
            attributes = {"method": method, **attributes}
        else:
            self.conversion.skip(f"{self.where}: http method ANY", "the trigger answers POST")
        self._add("http", {}, Block("http", attributes=attributes))

    def schedule(self, expression: Any) -> None:
        converted = cron(str(expression)) if isinstance(expression, str) else None
        if converted is None:
            self.conversion.skip(
                f"{self.where}: schedule {expression}", "no 5-field cron expression for it"
            )
            return
        self._add("schedule", {"schedule": converted})

    def storage(self, bucket: Any, events: Any, prefix: Any = None) -> None:
        attributes: dict[str, Any] = {"bucket": _resource_name(bucket)}
        if prefix:
            attributes["prefix"] = str(prefix)
        attributes["events"] = storage_events(events)
        self._add("storage", {}, Block("storage", attributes=attributes))

    def queue(self, queue: Any) -> None:
        self._add("queue", {}, Block("queue", attributes={"queue": _resource_name(queue)}))

    def event_pattern(self, pattern: Any) -> None:
        event_type = event_pattern_type(pattern)
        if event_type is None:
            self.conversion.skip(
                f"{self.where}: event pattern", "only a pattern on one detail-type converts"
            )
            return
        sources = pattern.get("source") if isinstance(pattern, dict) else None
        source = sources[0] if isinstance(sources, list) and len(sources) == 1 else None
        event = self.conversion.event(event_type, source)
        self._add("event", {"event": expr(f"event.{event}")})

    def unsupported(self, kind: str) -> None:
        self.conversion.skip(f"{self.where}: {kind} event", "fnplan has no trigger of this kind")


def _resource_name(value: Any) -> str:
    """A bucket or queue named by an ARN, a Ref/GetAtt, or plainly."""
    if isinstance(value, dict) and set(value) == {"arn"}:
        value = value["arn"]
    if isinstance(value, str) and value.startswith("arn:"):
        return value.rsplit(":", 1)[-1]
    return logical_id(value) or str(value)
