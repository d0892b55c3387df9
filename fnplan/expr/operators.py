"""HCL operator semantics on plain values: arithmetic, comparison, logic and the string
conversion used by templates. Numeric strings convert to numbers, as in HCL."""

from __future__ import annotations

import math
from typing import Any

from fnplan.errors import ConfigError, SourcePos
from fnplan.expr.values import equal, is_finite, normalize_number, parse_number_text, type_name

_ORDERING = frozenset({"<", "<=", ">", ">="})


def to_number(value: Any, pos: SourcePos, what: str) -> int | float:
    """A number, converting numeric strings; ConfigError for anything else."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        number = parse_number_text(value)
        if number is not None:
            return number
    raise ConfigError(f"{what} must be a number, not a {type_name(value)} ({value!r})", pos=pos)


def to_bool(value: Any, pos: SourcePos, what: str) -> bool:
    """A bool, converting "true" / "false"; ConfigError for anything else."""
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return bool(value == "true")
    raise ConfigError(f"{what} must be a bool, not a {type_name(value)} ({value!r})", pos=pos)


def to_template_string(value: Any, pos: SourcePos) -> str:
    """How a value appears inside a string template."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        number = normalize_number(value)
        return repr(number) if isinstance(number, float) else str(number)
    if value is None:
        raise ConfigError("a null value cannot be used in a string template", pos=pos)
    if isinstance(value, dict) and isinstance(value.get("$ref"), str) and "attr" in value:
        raise ConfigError(
            f"{value['$ref']}.{value['attr']} is known only after apply: it cannot be part of "
            "a string template",
            pos=pos,
            hint="use it as a whole value (e.g. URL = workflow.NAME.endpoint); apply fills it in",
        )
    raise ConfigError(
        f"a {type_name(value)} cannot be used in a string template",
        pos=pos,
        hint="use jsonencode(...) to turn it into a string",
    )


def binary(op: str, left: Any, right: Any, pos: SourcePos) -> Any:
    """The value of `left op right`."""
    if op == "==":
        return equal(left, right)
    if op == "!=":
        return not equal(left, right)
    if op in ("&&", "||"):
        a, b = (
            to_bool(left, pos, f"the left side of '{op}'"),
            to_bool(right, pos, f"the right side of '{op}'"),
        )
        return (a and b) if op == "&&" else (a or b)
    both_strings = isinstance(left, str) and isinstance(right, str)
    if op == "+" and both_strings and not (_numeric(left) and _numeric(right)):
        raise ConfigError(
            "'+' adds numbers; it does not join strings",
            pos=pos,
            hint='use a template: "${a}${b}"',
        )
    x = to_number(left, pos, f"the left side of '{op}'")
    y = to_number(right, pos, f"the right side of '{op}'")
    if op in _ORDERING:
        return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
    result = _arithmetic(op, x, y, pos)
    if not is_finite(result):
        raise ConfigError(f"the result of '{op}' is too large for a number", pos=pos)
    return normalize_number(result)


def _numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _arithmetic(op: str, x: int | float, y: int | float, pos: SourcePos) -> int | float:
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if y == 0:
        raise ConfigError(f"division by zero in '{op}'", pos=pos)
    if op == "/":
        return x / y if (isinstance(x, float) or isinstance(y, float) or x % y) else x // y
    if isinstance(x, int) and isinstance(y, int):
        return int(math.copysign(abs(x) % abs(y), x))
    return math.fmod(x, y)


def unary(op: str, operand: Any, pos: SourcePos) -> Any:
    """The value of `-x` or `!x`."""
    if op == "!":
        return not to_bool(operand, pos, "the operand of '!'")
    return normalize_number(-to_number(operand, pos, "the operand of '-'"))
