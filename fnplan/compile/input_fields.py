"""Warnings for steps that read a workflow input field the input schema does not require.

A run whose input lacks such a field fails at that step with "no attribute"; `try(input.x,
DEFAULT)` (or a `can(input.x)` guard) is the way to read an optional field. Only workflows
with an input schema whose required fields can be read statically are checked.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from typing import Any

from fnplan.compile.exprs import parse_source, residual_sources, static_key
from fnplan.compile.index import Entry, Index
from fnplan.compile.model import CompileWarning
from fnplan.compile.schemas import SchemaFiles
from fnplan.compile.validate import step_values
from fnplan.config.model import Workflow
from fnplan.expr.ast import Conditional, ForExpr, FunctionCall, TemplateFor, Traversal

#: functions whose arguments may fail without failing the run
_GUARDS = frozenset({"try", "can"})
#: schema keywords that make the set of present fields depend on more than `required`
_UNREADABLE = ("$ref", "anyOf", "oneOf", "if", "dependentRequired", "dependentSchemas")


def input_field_warnings(index: Index, schemas: SchemaFiles) -> list[CompileWarning]:
    """One warning per step and input field it reads unguarded without the schema requiring it."""
    warnings: list[CompileWarning] = []
    for entry in index.workflows.values():
        required = _required(entry, schemas)
        if required is not None:
            warnings.extend(_workflow_warnings(entry, required))
    return warnings


def _required(entry: Entry[Workflow], schemas: SchemaFiles) -> set[str] | None:
    """The fields every valid input has, or None when there is no schema or it is not plain."""
    schema = schemas.load(entry.block.input_schema, entry.block.pos_of("input_schema"))
    if schema is None or any(key in schema for key in _UNREADABLE):
        return None
    parts = [schema, *(part for part in schema.get("allOf", []) if isinstance(part, dict))]
    if any(key in part for part in parts[1:] for key in _UNREADABLE):
        return None
    return {str(name) for part in parts for name in part.get("required", [])}


def _workflow_warnings(entry: Entry[Workflow], required: set[str]) -> Iterator[CompileWarning]:
    schema = os.path.relpath(entry.block.input_schema or "", entry.config.directory)
    for step in entry.block.steps.values():
        seen: set[str] = set()
        for attribute, value in step_values(step):
            for field in unguarded_fields(value):
                if field in required or field in seen:
                    continue
                seen.add(field)
                yield CompileWarning(
                    message=(
                        f"{entry.address} step {step.name!r} reads input.{field}, which the "
                        f"workflow's input schema ({schema}) does not require: a run without "
                        f"it fails at this step"
                    ),
                    pos=step.pos_of(attribute),
                    hint=(
                        f"read it as try(input.{field}, DEFAULT), or add {field!r} to the "
                        f"schema's required fields"
                    ),
                )


def unguarded_fields(value: Any) -> Iterator[str]:
    """The input fields (`input.NAME`) a run-time value reads outside try()/can()."""
    for source in residual_sources(value):
        yield from _fields(parse_source(source), frozenset())


def _fields(node: Any, covered: frozenset[str]) -> Iterator[str]:
    """Walk an expression; `covered` are the fields a surrounding guard makes safe."""
    if isinstance(node, tuple):
        for item in node:
            yield from _fields(item, covered)
        return
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return
    if isinstance(node, FunctionCall) and node.name in _GUARDS:
        return  # a failing read inside try()/can() is what they are for
    if isinstance(node, ForExpr | TemplateFor) and "input" in (node.key_var, node.value_var):
        yield from _fields(node.collection, covered)  # `input` means the loop variable inside
        return
    if isinstance(node, Conditional):
        # `can(input.x) ? input.x : DEFAULT`: the branches read what the condition tested
        yield from _fields(node.cond, covered)
        tested = covered | _guarded_fields(node.cond)
        yield from _fields((node.then, node.else_), tested)
        return
    if isinstance(node, Traversal) and node.root == "input" and node.steps:
        field = static_key(node.steps[0])
        if isinstance(field, str) and field not in covered:
            yield field
    for item in dataclasses.fields(node):
        if item.name != "pos":
            yield from _fields(getattr(node, item.name), covered)


def _guarded_fields(node: Any) -> frozenset[str]:
    """The input fields read inside try()/can() calls within `node`."""
    found: set[str] = set()
    if isinstance(node, tuple):
        for item in node:
            found |= _guarded_fields(item)
    elif isinstance(node, FunctionCall) and node.name in _GUARDS:
        found |= set(_fields(node.args, frozenset()))
    elif dataclasses.is_dataclass(node) and not isinstance(node, type):
        for item in dataclasses.fields(node):
            if item.name != "pos":
                found |= _guarded_fields(getattr(node, item.name))
    return frozenset(found)
