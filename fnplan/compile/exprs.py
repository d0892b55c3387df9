"""Run-time expressions inside compiled values: finding `step.X.output` references and
rewriting references (used to inline nested workflows).

A run-time value is {"$expr": "<HCL source>"} anywhere inside plain JSON data.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from fnplan.expr import evaluate, parse_expression, references, to_source
from fnplan.expr.ast import (
    Expr,
    GetAttr,
    Index,
    ListExpr,
    Literal,
    ObjectExpr,
    RelativeTraversal,
    Traversal,
)

#: returns a replacement for a traversal, or None to keep it
Rewrite = Callable[[Traversal], Expr | None]


def is_residual(value: Any) -> bool:
    """True for a run-time value {"$expr": source}."""
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get("$expr"), str)


def residual_sources(value: Any) -> Iterator[str]:
    """The source of every run-time expression inside a JSON value."""
    if isinstance(value, dict):
        if is_residual(value):
            yield value["$expr"]
            return
        for item in value.values():
            yield from residual_sources(item)
    elif isinstance(value, list):
        for item in value:
            yield from residual_sources(item)


@lru_cache(maxsize=65536)
def parse_source(source: str) -> Expr:
    """Parse a residual's source once per compile process."""
    return parse_expression(source)


@lru_cache(maxsize=65536)
def _step_paths(source: str) -> tuple[tuple[str | int, ...], ...]:
    return tuple(ref.path for ref in references(parse_source(source)) if ref.root == "step")


def step_references(value: Any) -> Iterator[tuple[str | int, ...]]:
    """The path after `step.` of every step reference in a value: ("fetch", "output", "path")."""
    for source in residual_sources(value):
        yield from _step_paths(source)


def plain_step_reference(value: Any) -> tuple[str, tuple[str | int, ...]] | None:
    """(step, path after `output`) when `value` is exactly `step.X.output...` with static keys."""
    if not is_residual(value):
        return None
    expr = parse_source(value["$expr"])
    if not isinstance(expr, Traversal) or expr.root != "step":
        return None
    path = _static_path(expr.steps)
    if path is None or len(path) < 2 or path[1] != "output" or not isinstance(path[0], str):
        return None
    return path[0], path[2:]


def rewrite_value(value: Any, rewrite: Rewrite) -> Any:
    """`value` with every run-time expression's traversals rewritten."""
    if isinstance(value, dict):
        if is_residual(value):
            before = parse_source(value["$expr"])
            after = _rewrite(before, rewrite, frozenset())
            return value if after is before else expr_to_value(after)
        return {key: rewrite_value(item, rewrite) for key, item in value.items()}
    if isinstance(value, list):
        return [rewrite_value(item, rewrite) for item in value]
    return value


def value_to_expr(value: Any) -> Expr:
    """The expression that evaluates to a compiled value (plain JSON with residuals)."""
    if is_residual(value):
        return parse_source(value["$expr"])
    if isinstance(value, dict):
        return ObjectExpr(tuple((Literal(str(k)), value_to_expr(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ListExpr(tuple(value_to_expr(item) for item in value))
    return Literal(value)


def expr_to_value(expr: Expr) -> Any:
    """The compiled value of an expression: a residual, or the plain value when it reads
    nothing known only at run time."""
    if isinstance(expr, Literal):
        return expr.value
    if not references(expr):
        return evaluate(expr, {})
    return {"$expr": to_source(expr)}


def select(value: Any, path: tuple[GetAttr | Index, ...]) -> Expr:
    """The expression for `value` followed by `path`, descending statically into plain data."""
    remaining = list(path)
    while remaining and not is_residual(value):
        found, value = _lookup(value, static_key(remaining[0]))
        if not found:
            break
        remaining.pop(0)
    return extend(value_to_expr(value), tuple(remaining))


def _lookup(value: Any, key: str | int | None) -> tuple[bool, Any]:
    """(True, value[key]) when plain data holds that key, else (False, value)."""
    if isinstance(value, dict) and isinstance(key, str) and key in value:
        return True, value[key]
    if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
        return True, value[key]
    return False, value


def extend(expr: Expr, steps: tuple[GetAttr | Index, ...]) -> Expr:
    """`expr` followed by more traversal steps."""
    if not steps:
        return expr
    if isinstance(expr, Traversal):
        return Traversal(expr.root, expr.steps + steps, expr.pos)
    if isinstance(expr, RelativeTraversal):
        return RelativeTraversal(expr.source, expr.steps + steps, expr.pos)
    return RelativeTraversal(expr, steps, expr.pos)


def static_key(step: GetAttr | Index) -> str | int | None:
    """The attribute name or literal index of a traversal step, None when computed."""
    if isinstance(step, GetAttr):
        return step.name
    key = step.key
    if (
        isinstance(key, Literal)
        and isinstance(key.value, str | int)
        and not isinstance(key.value, bool)
    ):
        return key.value
    return None


def _static_path(steps: tuple[GetAttr | Index, ...]) -> tuple[str | int, ...] | None:
    path = []
    for step in steps:
        key = static_key(step)
        if key is None:
            return None
        path.append(key)
    return tuple(path)


def _rewrite(node: Any, rewrite: Rewrite, shadowed: frozenset[str]) -> Any:
    """Rebuild `node` bottom-up, sharing unchanged subtrees (`is` tells whether it changed)."""
    if isinstance(node, tuple):
        items = tuple(_rewrite(item, rewrite, shadowed) for item in node)
        return node if all(a is b for a, b in zip(items, node, strict=True)) else items
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    if isinstance(node, Traversal) and node.root not in shadowed:
        replaced = rewrite(node)
        if replaced is not None:
            return replaced
    inner = shadowed | {getattr(node, name, None) or "" for name in ("key_var", "value_var")} - {""}
    changes = {}
    for field in dataclasses.fields(node):
        if field.name == "pos":
            continue
        before = getattr(node, field.name)
        # a for-expression's collection is outside the scope of its own iteration variables
        after = _rewrite(before, rewrite, shadowed if field.name == "collection" else inner)
        if after is not before:
            changes[field.name] = after
    return dataclasses.replace(node, **changes) if changes else node
