"""Type checks of evaluated attribute values against their schema kinds ("expected number,
got string"), with the small conversions HCL users expect (5 -> "5" for strings)."""

from __future__ import annotations

from typing import Any

from fnplan.config.hints import setting
from fnplan.config.model import Ref
from fnplan.config.schema import Attr, type_name
from fnplan.config.scope import BlockRef
from fnplan.errors import ConfigError, SourcePos
from fnplan.expr.values import is_finite, parse_number_text


def check_value(value: Any, attr: Attr, name: str, pos: SourcePos) -> Any:
    """The value converted to the attribute's kind, or ConfigError at `pos`."""
    kind = attr.kind
    if kind in ("any", "type"):
        return value
    if kind in ("ref", "refs"):
        return _check_refs(value, attr, name, pos)
    if kind == "strings":
        return [
            _scalar(item, "string", f"{name}[{i}]", pos) for i, item in _items(value, name, pos)
        ]
    if kind == "ints":
        return [_scalar(item, "int", f"{name}[{i}]", pos) for i, item in _items(value, name, pos)]
    if kind in ("map", "string_map"):
        if not isinstance(value, dict) or "$expr" in value or "$ref" in value:
            raise _mismatch(name, "object", value, pos)
        if kind == "map":
            return value
        return {key: _string_or_ref(item, f"{name}.{key}", pos) for key, item in value.items()}
    if kind == "enum":
        if value not in attr.choices:
            raise ConfigError(
                f"{name} must be one of {', '.join(map(repr, attr.choices))}, got {value!r}",
                pos=pos,
                allowed=attr.choices,
            )
        return value
    return _scalar(value, "string" if kind == "path" else kind, name, pos)


def _string_or_ref(value: Any, name: str, pos: SourcePos) -> Any:
    """A string, or another resource's output known only after apply (an env value may name
    an endpoint): compile makes the referenced resource a dependency, apply fills it in."""
    if isinstance(value, dict) and isinstance(value.get("$ref"), str) and "attr" in value:
        return value
    return _scalar(value, "string", name, pos)


def _items(value: Any, name: str, pos: SourcePos) -> list[tuple[int, Any]]:
    if not isinstance(value, list | tuple):
        raise _mismatch(name, "list", value, pos)
    return list(enumerate(value))


def _scalar(value: Any, kind: str, name: str, pos: SourcePos) -> Any:
    if kind == "string":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
    elif kind == "bool":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
    elif kind in ("number", "int"):
        number = _number(value)
        if number is not None and (kind == "number" or number == int(number)):
            return int(number) if kind == "int" or number == int(number) else number
        if number is not None:
            raise ConfigError(f"{name}: expected a whole number, got {value!r}", pos=pos)
    raise _mismatch(name, kind if kind != "int" else "number", value, pos)


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value if is_finite(value) else None
    if isinstance(value, str):
        return parse_number_text(value)
    return None


def _check_refs(value: Any, attr: Attr, name: str, pos: SourcePos) -> Any:
    if attr.kind == "ref":
        return _check_ref(value, attr, name, pos)
    return [
        _check_ref(item, attr, f"{name}[{i}]", item.pos if isinstance(item, BlockRef) else pos)
        for i, item in _items(value, name, pos)
    ]


def _check_ref(value: Any, attr: Attr, name: str, pos: SourcePos) -> Ref:
    kinds = " or ".join(attr.refs)
    if isinstance(value, BlockRef | Ref) and value.kind in attr.refs:
        if value.version is not None and name != "function":
            raise ConfigError(f"{name}: a version is allowed only in a step's function", pos=pos)
        if isinstance(value, Ref):
            return value
        return Ref(address=value.address, version=value.version, pos=str(pos))
    got = (
        f"a reference to {value.address}" if isinstance(value, BlockRef | Ref) else type_name(value)
    )
    example = f"{attr.refs[0]}.NAME"
    raise ConfigError(
        f"{name}: expected a reference to {kinds}, got {got}",
        pos=pos,
        hint=f"write e.g. {setting(name, example, pos)}",
    )


def _mismatch(name: str, expected: str, value: Any, pos: SourcePos) -> ConfigError:
    return ConfigError(f"{name}: expected {expected}, got {type_name(value)}", pos=pos)
