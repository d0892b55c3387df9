"""Input variables: type constraints, value sources and their precedence.

A value comes from (lowest to highest) the `default`, the environment variable
FNPLAN_VAR_<name>, the --var-file files in order, then --var name=value; a child module's
variables come from the module block's inputs instead. Raw text (environment, --var) is
converted per the declared type: numbers, bools, and HCL/JSON syntax for lists and maps.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from fnplan.config.model import Variable
from fnplan.config.schema import type_name
from fnplan.config.syntax import Block
from fnplan.errors import ConfigError, SourcePos, did_you_mean
from fnplan.expr import ast, evaluate, parse_expression
from fnplan.expr.marks import unmark_deep
from fnplan.expr.values import parse_number_text
from fnplan.inputs import record_file

_PRIMITIVES = ("string", "number", "bool", "any")
_COLLECTIONS = ("list", "set", "map")
_NO_SCOPE: dict[str, Any] = {}
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class VarType:
    """A type constraint: a primitive, list/set/map of an element type, or an object."""

    kind: str
    element: VarType | None = None
    fields: tuple[tuple[str, VarType, bool], ...] = ()  # (name, type, optional)

    def __str__(self) -> str:
        if self.element is not None:
            return f"{self.kind}({self.element})"
        if self.kind == "object":
            inner = ", ".join(
                f"{name} = {f'optional({t})' if optional else t}"
                for name, t, optional in self.fields
            )
            return f"object({{{inner}}})"
        return self.kind


ANY = VarType("any")


def parse_type(expr: ast.Expr) -> VarType:
    """A type constraint written as an expression (`list(string)`) or as a string."""
    if isinstance(expr, ast.Literal) and isinstance(expr.value, str):
        pos = expr.pos
        expr = parse_expression(expr.value, file=pos.file, line=pos.line, column=pos.column)
    if isinstance(expr, ast.Traversal) and not expr.steps and expr.root in _PRIMITIVES:
        return VarType(expr.root)
    if isinstance(expr, ast.FunctionCall) and len(expr.args) == 1:
        if expr.name in _COLLECTIONS:
            return VarType(expr.name, element=parse_type(expr.args[0]))
        if expr.name == "object" and isinstance(expr.args[0], ast.ObjectExpr):
            return VarType("object", fields=tuple(_fields(expr.args[0])))
    raise ConfigError(
        "invalid type constraint",
        pos=expr.pos,
        allowed=[*_PRIMITIVES, "list(T)", "set(T)", "map(T)", "object({NAME = T, ...})"],
    )


def _fields(obj: ast.ObjectExpr) -> list[tuple[str, VarType, bool]]:
    fields = []
    for key, value in obj.items:
        name = key.value if isinstance(key, ast.Literal) else None
        if not isinstance(name, str):
            name = key.root if isinstance(key, ast.Traversal) and not key.steps else None
        if name is None:
            raise ConfigError("object type attribute names must be identifiers", pos=key.pos)
        optional = isinstance(value, ast.FunctionCall) and value.name == "optional"
        inner = value.args[0] if isinstance(value, ast.FunctionCall) and optional else value
        fields.append((name, parse_type(inner), optional))
    return fields


def convert(value: Any, vtype: VarType, what: str, pos: SourcePos | None) -> Any:
    """`value` converted to `vtype` (5 -> "5" for a string, "true" -> True for a bool)."""
    kind = vtype.kind
    if kind == "any":
        return value
    if kind in _PRIMITIVES:
        return _primitive(value, kind, what, pos)
    if kind in ("list", "set"):
        if not isinstance(value, list | tuple):
            raise _mismatch(what, vtype, value, pos)
        assert vtype.element is not None
        items = [convert(item, vtype.element, f"{what}[{i}]", pos) for i, item in enumerate(value)]
        return _dedupe(items) if kind == "set" else items
    if not isinstance(value, dict):
        raise _mismatch(what, vtype, value, pos)
    if kind == "map":
        assert vtype.element is not None
        return {
            key: convert(item, vtype.element, f"{what}.{key}", pos) for key, item in value.items()
        }
    result = {}
    for name, field_type, optional in vtype.fields:
        if name in value:
            result[name] = convert(value[name], field_type, f"{what}.{name}", pos)
        elif optional:
            result[name] = None
        else:
            raise ConfigError(f"{what}: attribute {name!r} is required by {vtype}", pos=pos)
    return result


def _primitive(value: Any, kind: str, what: str, pos: SourcePos | None) -> Any:
    if kind == "string" and isinstance(value, str | int | float):
        return ("true" if value else "false") if isinstance(value, bool) else str(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if value in ("true", "false"):
            return value == "true"
    if kind == "number" and not isinstance(value, bool):
        if isinstance(value, int | float):
            return value
        if isinstance(value, str):
            number = parse_number_text(value)
            if number is not None:
                return float(number) if "." in value else number
    raise _mismatch(what, VarType(kind), value, pos)


def _dedupe(items: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _mismatch(what: str, vtype: VarType, value: Any, pos: SourcePos | None) -> ConfigError:
    return ConfigError(f"{what}: expected {vtype}, got {type_name(value)}", pos=pos)


def from_text(text: str, vtype: VarType, what: str, pos: SourcePos | None = None) -> Any:
    """Convert raw text from --var or the environment: strings stay text, numbers and bools are
    parsed, collections are read as HCL (or JSON) expressions."""
    if vtype.kind in ("string", "any"):
        return text
    if vtype.kind in ("number", "bool"):
        return convert(text, vtype, what, pos)
    expr = parse_expression(text, file=what)
    return convert(_constant(expr), vtype, what, pos)


@dataclass(frozen=True, slots=True)
class Sources:
    """Where root variable values come from, in rising precedence after the defaults."""

    environ: Mapping[str, str]
    var_files: Sequence[Path]
    cli: Mapping[str, str]


def resolve_variables(
    blocks: Mapping[str, Block],
    *,
    sources: Sources | None,
    inputs: Mapping[str, tuple[Any, SourcePos]],
    caller: str | None,
) -> dict[str, Variable]:
    """Each declared variable with its type and resolved value. `sources` apply to the root
    module; a child module (`caller` is its module block's description) gets `inputs`, and a
    variable given a sensitive value is sensitive in the child too."""
    types = {name: _declared_type(block) for name, block in blocks.items()}
    raw: dict[str, tuple[Any, SourcePos | None, bool]] = {}  # value, position, is-text
    if sources is not None:
        raw.update(_environment(types, sources.environ))
        for path in sources.var_files:
            raw.update(_var_file(path, types))
        raw.update(_cli(types, sources.cli))
    marked: set[str] = set()
    for name, (value, pos) in inputs.items():
        if name not in blocks:
            _undeclared(name, blocks, pos, caller)
        plain, was_marked = unmark_deep(value)
        if was_marked:
            marked.add(name)
        raw[name] = (plain, pos, False)
    return {
        name: _variable(name, block, types[name], raw.get(name), caller, name in marked)
        for name, block in blocks.items()
    }


def _declared_type(block: Block) -> VarType:
    attribute = block.body.attributes.get("type")
    return ANY if attribute is None else parse_type(attribute.expr)


def _environment(
    types: Mapping[str, VarType], environ: Mapping[str, str]
) -> dict[str, tuple[Any, SourcePos | None, bool]]:
    return {
        name: (environ[f"FNPLAN_VAR_{name}"], None, True)
        for name in types
        if f"FNPLAN_VAR_{name}" in environ
    }


def _cli(
    types: Mapping[str, VarType], cli: Mapping[str, str]
) -> dict[str, tuple[Any, SourcePos | None, bool]]:
    for name in cli:
        if name not in types:
            raise ConfigError(
                f"--var {name}=...: no variable {name!r} is declared",
                allowed=list(types),
                hint=did_you_mean(name, types) or f'declare it with variable "{name}" {{}}',
            )
    return {name: (text, None, True) for name, text in cli.items()}


def _var_file(
    path: Path, types: Mapping[str, VarType]
) -> dict[str, tuple[Any, SourcePos | None, bool]]:
    """Values of one --var-file: JSON (an object) or HCL `name = value` lines."""
    record_file(path)
    try:
        source = path.read_bytes()
    except OSError as error:
        raise ConfigError(f"cannot read --var-file {path}: {error.strerror}") from None
    if path.suffix == ".json":
        try:
            data = json.loads(source)
        except ValueError as error:
            raise ConfigError(f"--var-file {path} is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"--var-file {path} must hold a JSON object of variable values")
        return {name: (value, SourcePos(str(path), 1, 1), False) for name, value in data.items()}
    from fnplan.config.hcl import parse_hcl

    body = parse_hcl(source, str(path))
    if body.blocks:
        raise ConfigError("a --var-file holds only `name = value` lines", pos=body.blocks[0].pos)
    return {
        name: (_constant(attribute.expr), attribute.pos, False)
        for name, attribute in body.attributes.items()
        if name in types
    }


def _undeclared(name: str, blocks: Mapping[str, Block], pos: SourcePos, caller: str | None) -> None:
    raise ConfigError(
        f"{caller or 'module'}: the module declares no variable {name!r}",
        pos=pos,
        allowed=list(blocks),
        hint=did_you_mean(name, blocks),
    )


def _variable(
    name: str,
    block: Block,
    vtype: VarType,
    given: tuple[Any, SourcePos | None, bool] | None,
    caller: str | None,
    given_sensitive: bool,
) -> Variable:
    attributes = block.body.attributes
    default_attr = attributes.get("default")
    what = f"variable {name!r}"
    default = None
    if default_attr is not None:
        value = _constant(default_attr.expr)
        default = convert(value, vtype, f"{what} default", default_attr.expr.pos)
    if given is not None:
        value, pos, is_text = given
        value = from_text(value, vtype, what, pos) if is_text else convert(value, vtype, what, pos)
    elif default_attr is not None:
        value = default
    else:
        raise _missing(name, block, caller)
    positions = {key: str(attribute.pos) for key, attribute in attributes.items()}
    return Variable(
        name=name,
        type=str(vtype) if "type" in attributes else None,
        default=default,
        has_default=default_attr is not None,
        description=_literal(block, "description", str, "string"),
        sensitive=_literal(block, "sensitive", bool, "bool") or given_sensitive,
        value=value,
        pos=str(block.pos),
        positions=positions,
    )


def _missing(name: str, block: Block, caller: str | None) -> ConfigError:
    if caller is not None:
        return ConfigError(
            f"variable {name!r} has no value and no default",
            pos=block.pos,
            hint=f"pass {name} = ... in {caller}",
        )
    return ConfigError(
        f"variable {name!r} has no value and no default",
        pos=block.pos,
        hint=(
            f"set it with --var {name}=VALUE, in a --var-file ({name} = VALUE), "
            f"or with the environment variable FNPLAN_VAR_{name}"
        ),
    )


def _literal(block: Block, key: str, kind: type[_T], kind_name: str) -> _T | None:
    """A constant attribute of a variable block (description, sensitive), checked for its type;
    evaluated with no scope because these must not depend on other values."""
    attribute = block.body.attributes.get(key)
    if attribute is None:
        return None
    value = _constant(attribute.expr)
    if not isinstance(value, kind):
        raise ConfigError(f"{key}: expected {kind_name}, got {type_name(value)}", pos=attribute.pos)
    return value


def _constant(expr: ast.Expr) -> Any:
    """The value of an expression that may use no variables, locals or references (variable
    values given in files and blocks, defaults, descriptions)."""
    return evaluate(expr, _NO_SCOPE, runtime_roots=frozenset())
