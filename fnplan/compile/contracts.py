"""Data contracts: what flows along a data edge must fit the consumer's input schema.

Checked for `input = { field = step.X.output.path }` when the producer function declares an
output_schema and the consumer function an input_schema. Only plain references are checked:
anything else (e.g. `tonumber(step.x.output.n)`, templates) is an explicit conversion and trusted.
"""

from __future__ import annotations

from typing import Any

from fnplan.compile.drafts import Draft, DraftWorkflow
from fnplan.compile.exprs import plain_step_reference
from fnplan.compile.index import to_pos
from fnplan.errors import ConfigError

_Schema = dict[str, Any]
_MISSING: _Schema = {"not": {}}  # sentinel: compared by identity


def check_contracts(draft: DraftWorkflow, functions: dict[str, dict[str, Any]]) -> None:
    """Raise ConfigError at the first data edge whose field is missing or of the wrong type."""
    for consumer in draft.steps.values():
        schema = _schema(consumer, functions, "input_schema")
        if schema is None or not isinstance(consumer.input, dict):
            continue
        for field, value in consumer.input.items():
            reference = plain_step_reference(value)
            if reference is None or reference[0] not in draft.steps:
                continue
            producer = draft.steps[reference[0]]
            produced = _schema(producer, functions, "output_schema")
            if produced is not None:
                _check_edge(consumer, field, producer, reference[1], produced, schema)


def _schema(step: Draft, functions: dict[str, dict[str, Any]], which: str) -> _Schema | None:
    if step.function is None:
        return None
    schema = functions[step.function].get(which)
    return schema if isinstance(schema, dict) else None


def _check_edge(
    consumer: Draft,
    field: str,
    producer: Draft,
    path: tuple[str | int, ...],
    produced: _Schema,
    accepted: _Schema,
) -> None:
    shown = ".".join(str(part) for part in ("output", *path))
    where = f"step {consumer.name!r} input {field!r} reads step {producer.name!r} {shown}"
    node: _Schema = produced
    for part in path:
        parent, found = node, _child(node, part)
        if found is None:
            return  # the producer's schema does not describe this far: nothing to check
        if found is _MISSING:
            raise ConfigError(
                f"{where}, but {producer.function}'s output schema has no field {part!r}",
                pos=to_pos(consumer.pos_of("input")),
                allowed=sorted(parent.get("properties") or {}),
            )
        node = found
    target = (accepted.get("properties") or {}).get(field)
    if target is None:
        if accepted.get("additionalProperties") is False:
            raise ConfigError(
                f"{where}, but {consumer.function}'s input schema has no field {field!r}",
                pos=to_pos(consumer.pos_of("input")),
                allowed=sorted(accepted.get("properties") or {}),
            )
        return
    have, want = _types(node), _types(target)
    if have and want and not _fits(have, want):
        raise ConfigError(
            f"{where} of type {'/'.join(sorted(have))}, but {consumer.function}'s input schema "
            f"expects {field!r} to be {'/'.join(sorted(want))}",
            pos=to_pos(consumer.pos_of("input")),
            hint="convert explicitly (e.g. tostring(...), tonumber(...), jsondecode(...)) "
            f"or fix the schemas of {producer.function} and {consumer.function}",
        )


def _child(node: _Schema, part: str | int) -> _Schema | None:
    """The sub-schema for one path step: None when the schema does not describe it,
    _MISSING when it declares its properties and `part` is not among them."""
    if isinstance(part, int):
        items = node.get("items")
        return items if isinstance(items, dict) else None
    properties = node.get("properties")
    if not isinstance(properties, dict):
        return None
    found = properties.get(part)
    if found is None:
        return _MISSING
    return found if isinstance(found, dict) else None


def _types(schema: _Schema) -> set[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return {kind}
    return {str(item) for item in kind} if isinstance(kind, list) else set()


def _fits(have: set[str], want: set[str]) -> bool:
    """Every type the producer may send is accepted (an integer is a number)."""
    widened = want | ({"integer"} if "number" in want else set())
    return have <= widened
