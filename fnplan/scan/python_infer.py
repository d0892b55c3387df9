"""Schemas from how an unannotated handler uses its event and what it returns, for code
written without type hints: `event["url"]` is a required field, `event.get("width", 64)` an
optional integer one, `return {"path": ...}` lists the output's fields."""

from __future__ import annotations

import ast
from typing import Any

from fnplan.scan.python_types import literal

_JSON_TYPES = {str: "string", bool: "boolean", int: "integer", float: "number"}


def input_from_use(function: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, Any] | None:
    """The fields read from the first parameter; None when none are read."""
    if not function.args.args:
        return None
    event = function.args.args[0].arg
    properties: dict[str, Any] = {}
    required: list[str] = []
    for node in ast.walk(function):
        if isinstance(node, ast.Subscript) and _is_variable(node.value, event):
            ok, key = literal(node.slice)
            if ok and isinstance(key, str):
                properties.setdefault(key, {})
                if key not in required:
                    required.append(key)
        elif isinstance(node, ast.Call) and _is_get(node, event):
            ok, key = literal(node.args[0])
            if ok and isinstance(key, str):
                default = literal(node.args[1])[1] if len(node.args) > 1 else None
                properties.setdefault(key, _typed(default))
    if not properties:
        return None
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def output_from_returns(
    function: ast.FunctionDef | ast.AsyncFunctionDef,
) -> dict[str, Any] | None:
    """The fields of the dict literals the function returns; required when always returned."""
    returned = [
        node.value
        for node in ast.walk(function)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict)
    ]
    if not returned:
        return None
    properties: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for mapping in returned:
        for key_node, value in zip(mapping.keys, mapping.values, strict=True):
            ok, key = literal(key_node)
            if not (ok and isinstance(key, str)):
                continue
            properties.setdefault(key, _typed(literal(value)[1]) if literal(value)[0] else {})
            counts[key] = counts.get(key, 0) + 1
    required = [key for key, count in counts.items() if count == len(returned)]
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _typed(value: Any) -> dict[str, Any]:
    """The schema of a literal's type: `{}` for None or a container."""
    kind = _JSON_TYPES.get(type(value))
    return {"type": kind} if kind else {}


def _is_variable(node: ast.expr, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _is_get(call: ast.Call, name: str) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "get"
        and _is_variable(func.value, name)
        and bool(call.args)
    )
