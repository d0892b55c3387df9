"""Values of AWS templates (Serverless Framework, SAM): CloudFormation's YAML tags and
intrinsic functions, schedule expressions and EventBridge patterns."""

from __future__ import annotations

import re
from typing import Any

import yaml

_RATE = re.compile(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)")
_CRON = re.compile(r"cron\((.+)\)")
_INTRINSICS = ("Ref", "Condition")


class TemplateLoader(yaml.SafeLoader):
    """YAML (1.2 booleans) with CloudFormation's short tags: `!Ref X` is read as {"Ref": "X"},
    `!GetAtt A.B` as {"Fn::GetAtt": ["A", "B"]}, `!Sub s` as {"Fn::Sub": s}, ..."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {suffix if suffix in _INTRINSICS else f"Fn::{suffix}": value}


TemplateLoader.add_multi_constructor("!", _tagged)
# YAML 1.2 booleans: `on:` (a Serverless Workflow schedule key) stays the string "on"
TemplateLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
TemplateLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load_template(text: str) -> Any:
    """A YAML or JSON template, CloudFormation tags included."""
    return yaml.load(text, Loader=TemplateLoader)  # a SafeLoader subclass


def intrinsic(value: Any) -> str | None:
    """The name of the intrinsic function `value` is (`Ref`, `Fn::GetAtt`, ...), if any."""
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key in _INTRINSICS or key.startswith("Fn::"):
            return str(key)
    return None


def logical_id(value: Any) -> str | None:
    """The resource a `Ref` or `Fn::GetAtt` names; a plain string as it is."""
    if isinstance(value, str):
        return value
    kind = intrinsic(value)
    if kind == "Ref":
        return str(value["Ref"])
    if kind == "Fn::GetAtt":
        target = value["Fn::GetAtt"]
        return str(target[0] if isinstance(target, list) else target).split(".")[0]
    return None


def cron(expression: str) -> str | None:
    """An AWS `rate(...)` or 6-field `cron(...)` as a 5-field cron; None when it has no
    equivalent (a year other than `*`, `L`/`W`/`#` forms, a rate that does not divide)."""
    rate = _RATE.fullmatch(expression.strip())
    if rate:
        count, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        if unit == "minute" and count < 60 and 60 % count == 0:
            return "* * * * *" if count == 1 else f"*/{count} * * * *"
        if unit == "hour" and count < 24 and 24 % count == 0:
            return "0 * * * *" if count == 1 else f"0 */{count} * * *"
        if unit == "day" and count == 1:
            return "0 0 * * *"
        return None
    match = _CRON.fullmatch(expression.strip())
    if not match:
        return None
    fields = match.group(1).split()
    if len(fields) != 6 or fields[5] not in ("*", "?") or re.search(r"[LW#]", match.group(1)):
        return None
    return " ".join("*" if f == "?" else f for f in fields[:5])


def event_pattern_type(pattern: Any) -> str | None:
    """The event type an EventBridge pattern matches: its single `detail-type`."""
    if not isinstance(pattern, dict):
        return None
    types = pattern.get("detail-type")
    if isinstance(types, list) and len(types) == 1 and isinstance(types[0], str):
        return types[0]
    return None


def storage_events(events: Any) -> list[str]:
    """S3 notification names as fnplan storage events: created, removed."""
    listed = events if isinstance(events, list) else [events]
    kinds = []
    for event in listed:
        text = str(event)
        kind = (
            "created" if "ObjectCreated" in text else "removed" if "ObjectRemoved" in text else None
        )
        if kind and kind not in kinds:
            kinds.append(kind)
    return kinds or ["created"]
