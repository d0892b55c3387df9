"""The function library available in expressions (a Terraform-like subset).

Each function is a `Function` with its signature, so argument errors quote it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fnplan.errors import ConfigError, SourcePos
from fnplan.expr.operators import to_bool, to_number, to_template_string
from fnplan.expr.values import equal, is_finite, normalize_number, type_name
from fnplan.inputs import record_file

_FORMAT_VERB = re.compile(r"%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


@dataclass(frozen=True, slots=True)
class CallContext:
    """Where a function is called from: its name, position and the base directory for paths."""

    name: str
    pos: SourcePos
    base_dir: str | None = None

    def error(self, message: str, signature: str) -> ConfigError:
        """A ConfigError for a bad call, quoting the signature."""
        return ConfigError(f"{self.name}(): {message}", pos=self.pos, hint=f"usage: {signature}")


@dataclass(frozen=True, slots=True)
class Function:
    """One library function: its signature, argument count range and implementation."""

    signature: str
    min_args: int
    max_args: int | None
    impl: Callable[..., Any]

    def __call__(self, ctx: CallContext, *args: Any) -> Any:
        if len(args) < self.min_args or (self.max_args is not None and len(args) > self.max_args):
            raise ctx.error(f"wrong number of arguments ({len(args)})", self.signature)
        try:
            return self.impl(ctx, *args)
        except _ArgError as exc:
            raise ctx.error(str(exc), self.signature) from None


class _ArgError(Exception):
    """A bad argument; Function turns it into a ConfigError quoting the signature."""


FUNCTIONS: dict[str, Function] = {}
#: functions that read files: their arguments must be known at plan time
FILE_FUNCTIONS = frozenset({"file", "filesha256"})


def _function(signature: str, min_args: int, max_args: int | None = -1) -> Callable[..., Any]:
    name = signature.split("(", 1)[0]

    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        FUNCTIONS[name] = Function(
            signature, min_args, min_args if max_args == -1 else max_args, impl
        )
        return impl

    return register


def _str(value: Any, what: str = "argument") -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float | bool) and value is not None:
        return to_template_string(value, SourcePos("<arg>", 1, 1))
    raise _ArgError(f"{what} must be a string, not a {type_name(value)}")


def _list(value: Any, what: str = "argument") -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    raise _ArgError(f"{what} must be a list, not a {type_name(value)}")


def _map(value: Any, what: str = "argument") -> Mapping[str, Any]:
    if isinstance(value, dict):
        return value
    raise _ArgError(f"{what} must be an object, not a {type_name(value)}")


def _path(ctx: CallContext, value: Any) -> str:
    path = os.path.expanduser(_str(value, "path"))
    return path if os.path.isabs(path) else os.path.join(ctx.base_dir or os.getcwd(), path)


def _read(ctx: CallContext, value: Any) -> bytes:
    path = _path(ctx, value)
    record_file(path)
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise _ArgError(f"cannot read {path}: {exc.strerror}") from None


@_function("file(path)", 1)
def _file(ctx: CallContext, path: Any) -> str:
    data = _read(ctx, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise _ArgError(f"{_path(ctx, path)} is not UTF-8 text") from None


@_function("filesha256(path)", 1)
def _filesha256(ctx: CallContext, path: Any) -> str:
    return hashlib.sha256(_read(ctx, path)).hexdigest()


@_function("sha256(string)", 1)
def _sha256(ctx: CallContext, text: Any) -> str:
    return hashlib.sha256(_str(text).encode()).hexdigest()


@_function("jsonencode(value)", 1)
def _jsonencode(ctx: CallContext, value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True, default=_not_encodable)


def _not_encodable(value: Any) -> Any:
    raise _ArgError(f"a {type_name(value)} cannot be encoded as JSON")


def _finite_json_number(text: str) -> float:
    number = float(text)
    if not is_finite(number):
        raise _ArgError(f"invalid JSON: the number {text} is too large")
    return number


def _json_constant(text: str) -> Any:
    raise _ArgError(f"invalid JSON: {text} is not a JSON value")


@_function("jsondecode(string)", 1)
def _jsondecode(ctx: CallContext, text: Any) -> Any:
    try:
        return json.loads(
            _str(text), parse_float=_finite_json_number, parse_constant=_json_constant
        )
    except json.JSONDecodeError as exc:
        raise _ArgError(f"invalid JSON: {exc.msg} at character {exc.pos}") from None


@_function("urlencode(string)", 1)
def _urlencode(ctx: CallContext, text: Any) -> str:
    return urllib.parse.quote_plus(_str(text), safe="")


@_function("lower(string)", 1)
def _lower(ctx: CallContext, text: Any) -> str:
    return _str(text).lower()


@_function("upper(string)", 1)
def _upper(ctx: CallContext, text: Any) -> str:
    return _str(text).upper()


@_function("trimspace(string)", 1)
def _trimspace(ctx: CallContext, text: Any) -> str:
    return _str(text).strip()


@_function("replace(string, substring, replacement)", 3)
def _replace(ctx: CallContext, text: Any, old: Any, new: Any) -> str:
    old_text = _str(old, "substring")
    if len(old_text) > 1 and old_text.startswith("/") and old_text.endswith("/"):
        try:
            return re.sub(old_text[1:-1], _str(new, "replacement"), _str(text))
        except re.error as exc:
            raise _ArgError(f"invalid regular expression: {exc}") from None
    return _str(text).replace(old_text, _str(new, "replacement"))


@_function("join(separator, list)", 2)
def _join(ctx: CallContext, separator: Any, items: Any) -> str:
    return _str(separator, "separator").join(_str(item, "list element") for item in _list(items))


@_function("split(separator, string)", 2)
def _split(ctx: CallContext, separator: Any, text: Any) -> list[str]:
    sep = _str(separator, "separator")
    if not sep:
        raise _ArgError("separator must not be empty")
    return _str(text).split(sep)


@_function("format(spec, values...)", 1, None)
def _format(ctx: CallContext, spec: Any, *values: Any) -> str:
    remaining: Iterator[Any] = iter(values)

    def substitute(match: re.Match[str]) -> str:
        flags, width, precision, verb = match.groups()
        if verb == "%":
            return "%"
        try:
            value = next(remaining)
        except StopIteration:
            raise _ArgError(f"not enough values for the format spec {spec!r}") from None
        return _format_one(flags, width, precision, verb, value)

    result = _FORMAT_VERB.sub(substitute, _str(spec, "spec"))
    if next(remaining, _END) is not _END:
        raise _ArgError(f"too many values for the format spec {spec!r}")
    return result


_END = object()


def _format_one(flags: str, width: str | None, precision: str | None, verb: str, value: Any) -> str:
    if verb == "v":
        text = value if isinstance(value, str) else _jsonencode(CallContext("", _NO_POS), value)
        if isinstance(value, int | float | bool) or value is None:
            text = _str(value) if value is not None else "null"
    elif verb == "q":
        text = json.dumps(_str(value))
    elif verb == "s":
        text = _str(value)
    elif verb == "t":
        text = "true" if to_bool(value, _NO_POS, "%t value") else "false"
    elif verb in "dfeg":
        try:
            number = to_number(value, _NO_POS, f"%{verb} value")
        except ConfigError as exc:
            raise _ArgError(exc.message) from None
        if verb == "d":
            if number != int(number):
                raise _ArgError(f"%d needs a whole number, not {number}")
            number = int(number)
        spec = f"{flags}{width or ''}{'.' + precision if precision else ''}{verb}"
        return format(number, spec.replace("-", "<") if "-" in flags else spec)
    else:
        raise _ArgError(f"unsupported format verb %{verb} (allowed: %s %d %f %e %g %t %v %q %%)")
    if width:
        return text.ljust(int(width)) if "-" in flags else text.rjust(int(width))
    return text


_NO_POS = SourcePos("<format>", 1, 1)


@_function("concat(lists...)", 0, None)
def _concat(ctx: CallContext, *lists: Any) -> list[Any]:
    return [item for each in lists for item in _list(each)]


@_function("merge(objects...)", 0, None)
def _merge(ctx: CallContext, *objects: Any) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for each in objects:
        if each is not None:
            merged.update(_map(each))
    return merged


@_function("lookup(map, key, default?)", 2, 3)
def _lookup(ctx: CallContext, mapping: Any, key: Any, *default: Any) -> Any:
    found = _map(mapping, "map")
    name = _str(key, "key")
    if name in found:
        return found[name]
    if default:
        return default[0]
    raise _ArgError(f"no key {name!r} (keys: {', '.join(sorted(found)) or 'none'})")


@_function("length(value)", 1)
def _length(ctx: CallContext, value: Any) -> int:
    if isinstance(value, str | list | tuple | dict):
        return len(value)
    raise _ArgError(f"argument must be a string, list or object, not a {type_name(value)}")


@_function("contains(list, value)", 2)
def _contains(ctx: CallContext, items: Any, value: Any) -> bool:
    return any(equal(item, value) for item in _list(items))


@_function("coalesce(values...)", 1, None)
def _coalesce(ctx: CallContext, *values: Any) -> Any:
    for value in values:
        if value is not None and value != "":
            return value
    raise _ArgError("all arguments are null or empty")


@_function("tostring(value)", 1)
def _tostring(ctx: CallContext, value: Any) -> str | None:
    return None if value is None else _str(value)


@_function("tonumber(value)", 1)
def _tonumber(ctx: CallContext, value: Any) -> int | float | None:
    if value is None:
        return None
    try:
        return normalize_number(to_number(value, ctx.pos, "argument"))
    except ConfigError as exc:
        raise _ArgError(exc.message) from None


@_function("tobool(value)", 1)
def _tobool(ctx: CallContext, value: Any) -> bool | None:
    if value is None:
        return None
    try:
        return to_bool(value, ctx.pos, "argument")
    except ConfigError as exc:
        raise _ArgError(exc.message) from None


@_function("keys(object)", 1)
def _keys(ctx: CallContext, mapping: Any) -> list[str]:
    return sorted(_map(mapping))


@_function("values(object)", 1)
def _values(ctx: CallContext, mapping: Any) -> list[Any]:
    found = _map(mapping)
    return [found[key] for key in sorted(found)]


def _numbers(values: tuple[Any, ...]) -> list[int | float]:
    if len(values) == 1 and isinstance(values[0], list):
        values = tuple(values[0])
    if not values:
        raise _ArgError("needs at least one number")
    numbers = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _ArgError(f"arguments must be numbers, not a {type_name(value)}")
        numbers.append(value)
    return numbers


@_function("min(numbers...)", 1, None)
def _min(ctx: CallContext, *values: Any) -> int | float:
    return min(_numbers(values))


@_function("max(numbers...)", 1, None)
def _max(ctx: CallContext, *values: Any) -> int | float:
    return max(_numbers(values))


@_function("abs(number)", 1)
def _abs(ctx: CallContext, value: Any) -> int | float:
    return abs(_numbers((value,))[0])


@_function("startswith(string, prefix)", 2)
def _startswith(ctx: CallContext, text: Any, prefix: Any) -> bool:
    return _str(text).startswith(_str(prefix, "prefix"))


@_function("endswith(string, suffix)", 2)
def _endswith(ctx: CallContext, text: Any, suffix: Any) -> bool:
    return _str(text).endswith(_str(suffix, "suffix"))


@_function("flatten(list)", 1)
def _flatten(ctx: CallContext, items: Any) -> list[Any]:
    out: list[Any] = []
    for item in _list(items):
        out.extend(_flatten(ctx, item) if isinstance(item, list) else [item])
    return out


@_function("range(start?, limit, step?)", 1, 3)
def _range(ctx: CallContext, *bounds: Any) -> list[int | float]:
    numbers = _numbers(bounds)
    start, limit = (0, numbers[0]) if len(numbers) == 1 else (numbers[0], numbers[1])
    step = numbers[2] if len(numbers) == 3 else (1 if limit >= start else -1)
    if step == 0 or (limit - start) / step > 1024:
        raise _ArgError("step must be non-zero and the range at most 1024 items")
    out, value = [], start
    while (step > 0 and value < limit) or (step < 0 and value > limit):
        out.append(normalize_number(value))
        value += step
    return out
