"""A trigger's `input` on AWS: a constant as JSON text, or for an event trigger, run-time
references as an EventBridge input transformer.

fnplan evaluates a trigger's `input` when it fires, with `input` (the event's data) and
`event` (the whole CloudEvent) in scope (docs/events.md). EventBridge evaluates no
expressions, but its input transformer copies values out of the event by JSON path into a
template, which is exactly what a plain reference does: `input.id` → `$.detail.id`,
`event.source` → `$.source`. So an `input` whose run-time parts are all such references is
deployed as a transformer; anything else (operators, functions, string templates) is a
validate error on AWS.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: a reference: `input` or `event`, then attributes and indexes
_REFERENCE = re.compile(r"^(input|event)((?:\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\])*)$")
_ATTRIBUTE = re.compile(r"^\.([A-Za-z_][A-Za-z0-9_]*)(.*)$")
#: CloudEvents attributes → where an EventBridge event holds them
_EVENT = {"id": "$.id", "source": "$.source", "type": "$.detail-type", "time": "$.time"}
_PLACEHOLDER = re.compile(r'"@@fnplan-(v\d+)@@"')


class Untranslatable(ValueError):
    """A run-time expression EventBridge cannot evaluate."""


def json_path(expression: str) -> str:
    """The JSON path in an EventBridge event of a reference to the payload or the event."""
    match = _REFERENCE.match(expression.strip())
    if match is None:
        raise Untranslatable(expression)
    root, rest = match.groups()
    if root == "input":
        return "$.detail" + rest
    attribute = _ATTRIBUTE.match(rest)
    if attribute is None:
        raise Untranslatable(expression)
    name, deeper = attribute.groups()
    if name == "data":
        return "$.detail" + deeper
    if name in _EVENT and not deeper:
        return _EVENT[name]
    raise Untranslatable(expression)


def input_transformer(value: Any) -> dict[str, Any]:
    """`{"InputPathsMap", "InputTemplate"}` producing `value` with each reference filled in;
    Untranslatable when a run-time part is not a plain reference."""
    paths: dict[str, str] = {}

    def placeholders(item: Any) -> Any:
        if isinstance(item, dict) and "$expr" in item:
            name = f"v{len(paths)}"
            paths[name] = json_path(str(item["$expr"]))
            return f"@@fnplan-{name}@@"
        if isinstance(item, dict):
            return {key: placeholders(inner) for key, inner in item.items()}
        if isinstance(item, list):
            return [placeholders(inner) for inner in item]
        return item

    template = json.dumps(placeholders(value))
    return {"InputPathsMap": paths, "InputTemplate": _PLACEHOLDER.sub(r"<\1>", template)}


def constant_input(attributes: dict[str, Any]) -> str | None:
    """The trigger's own `input` as JSON text, or None when it has none (the payload goes)."""
    value = attributes.get("input")
    return None if value is None else json.dumps(value)


def has_expression(value: Any) -> bool:
    """Whether a value holds a run-time expression ({"$expr": ...}) anywhere."""
    if isinstance(value, dict):
        return "$expr" in value or any(has_expression(v) for v in value.values())
    if isinstance(value, list):
        return any(has_expression(v) for v in value)
    return False
