"""Run-time value helpers: residual {"$expr": ...} values, the Traversable protocol, type
names for messages, HCL equality and conversion of values back into expressions."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from fnplan.errors import ConfigError, SourcePos
from fnplan.expr import ast
from fnplan.expr.marks import Marked


@runtime_checkable
class Traversable(Protocol):
    """A value the evaluator can step into that is not a plain dict or list (e.g. a block
    reference: `function.resize.versions[2]`)."""

    def get_attr(self, name: str, pos: SourcePos) -> Any:
        """The value of `.name`; raise ConfigError (at pos) when there is none."""
        ...

    def get_index(self, key: Any, pos: SourcePos) -> Any:
        """The value of `[key]`; raise ConfigError (at pos) when there is none."""
        ...


class NamedValues(dict[str, Any]):
    """A scope object of declared names (`var`): reading a missing one is an "unknown `what`"
    error instead of "no attribute"."""

    __slots__ = ("what",)

    def __init__(self, what: str, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.what = what


class Residual(dict[str, str]):
    """A value known only at run time: equal to {"$expr": "<HCL source>"} (and serialises as
    such), and also carries the parsed expression so evaluation can keep composing it.
    `secrets` are the marked (sensitive) values written into it as literals."""

    __slots__ = ("expr", "secrets")

    def __init__(self, expr: ast.Expr, secrets: frozenset[str] = frozenset()) -> None:
        from fnplan.expr.source import to_source

        super().__init__({"$expr": to_source(expr)})
        self.expr = expr
        self.secrets = secrets

    @property
    def source(self) -> str:
        """The HCL source of the run-time expression."""
        return self["$expr"]


def is_residual(value: Any) -> bool:
    """Whether `value` is a run-time expression placeholder {"$expr": "..."} (marked or not)."""
    if isinstance(value, Marked):
        value = value.value
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get("$expr"), str)


def residual_expr(value: dict[str, Any]) -> ast.Expr:
    """The expression inside a residual (parsed again when it came back as a plain dict)."""
    if isinstance(value, Residual):
        return value.expr
    from fnplan.expr.parse import parse_expression

    return parse_expression(value["$expr"])


def is_pending(value: Any) -> bool:
    """Whether a value is, or contains, a residual."""
    if isinstance(value, Marked):
        return is_pending(value.value)
    if isinstance(value, dict):
        return is_residual(value) or any(is_pending(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(is_pending(v) for v in value)
    return False


def type_name(value: Any) -> str:
    """The HCL type name of a value, for messages."""
    if isinstance(value, Marked):
        return type_name(value.value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "list"
    if is_residual(value):
        return "run-time value"
    if isinstance(value, dict):
        return "object"
    return getattr(value, "type_name", type(value).__name__)


def normalize_number(value: int | float) -> int | float:
    """Numbers are int when integral (so 4 / 2 is 2, and JSON stays stable)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def is_finite(value: int | float) -> bool:
    """Whether a number is an HCL number: NaN and the infinities are not."""
    return isinstance(value, int) or math.isfinite(value)


def parse_number_text(text: str) -> int | float | None:
    """The finite number a numeric string holds ("42", "1.5e3"), else None ("nan", "x")."""
    try:
        value = int(text) if text.strip().isdigit() else float(text)
    except ValueError:
        return None
    return normalize_number(value) if is_finite(value) else None


def equal(left: Any, right: Any) -> bool:
    """HCL equality: same type and value; bools are not numbers; 1 == 1.0."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if isinstance(left, list | tuple) and isinstance(right, list | tuple):
        return len(left) == len(right) and all(
            equal(a, b) for a, b in zip(left, right, strict=True)
        )
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(equal(left[k], right[k]) for k in left)
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    return type(left) is type(right) and bool(left == right)


def value_to_expr(value: Any, pos: SourcePos) -> ast.Expr:
    """An expression that evaluates to `value` (residuals become their own expression; marks
    are dropped: the caller marks what it builds)."""
    if isinstance(value, Marked):
        return value_to_expr(value.value, pos)
    if value is None or isinstance(value, str | int | float | bool):
        return ast.Literal(value, pos)
    if isinstance(value, list | tuple):
        return ast.ListExpr(tuple(value_to_expr(v, pos) for v in value), pos)
    if isinstance(value, dict):
        if is_residual(value):
            return residual_expr(value)
        items = tuple((ast.Literal(str(k), pos), value_to_expr(v, pos)) for k, v in value.items())
        return ast.ObjectExpr(items, pos)
    raise ConfigError(
        f"a {type_name(value)} cannot be used in an expression evaluated at run time",
        pos=pos,
        hint="run-time expressions (using input.* or step.*) may combine only plain values",
    )
