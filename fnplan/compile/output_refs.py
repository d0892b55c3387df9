"""Validate's check of `TYPE.NAME.attr` references against what providers produce.

A reference evaluates to an AfterApply placeholder; only once compile has placed every block
on its provider can it be checked against that provider's declared outputs. An attribute the
provider does not produce would stay null after apply and keep every later plan dirty.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from fnplan.config.after_apply import AfterApply
from fnplan.config.model import Config
from fnplan.errors import ConfigError, FnplanError, SourcePos, did_you_mean
from fnplan.expr.marks import Marked
from fnplan.provider_schema import ResourceSchema
from fnplan.resources import Resource

#: provider address -> resource type -> schema (types a provider declares nothing for: absent)
Schemas = Mapping[str, Mapping[str, ResourceSchema]]
_REF_KEY = '"$ref"'


def reference_errors(
    config: Config, resources: Mapping[str, Resource], schemas: Schemas
) -> list[FnplanError]:
    """One error per reference to an output the referenced block's provider does not declare."""
    errors: list[FnplanError] = []
    seen: set[tuple[str, str, str | None]] = set()
    for ref, fallback in _references(config, resources):
        pos = ref.pos or fallback
        key = (ref["$ref"], ref["attr"], pos)
        if key in seen:
            continue
        seen.add(key)
        error = _check(ref, pos, resources, schemas)
        if error is not None:
            errors.append(error)
    return errors


def _references(
    config: Config, resources: Mapping[str, Resource]
) -> Iterator[tuple[AfterApply, str | None]]:
    """Every placeholder in root outputs and resource attributes, with the position of the
    block it was found in (used when the placeholder lost its own)."""
    for output in config.outputs.values():
        for ref in _placeholders(output.value):
            yield ref, output.pos
    for resource in resources.values():
        if _REF_KEY in json.dumps(resource.attributes, default=str):  # C speed; most have none
            for ref in _placeholders(resource.attributes):
                yield ref, resource.pos


def _placeholders(value: Any) -> Iterator[AfterApply]:
    """Every placeholder naming one output inside `value` (a plain-dict copy, which compile
    may have made, comes back without a position)."""
    if isinstance(value, dict):
        if isinstance(value.get("$ref"), str) and isinstance(value.get("attr"), str):
            yield (
                value if isinstance(value, AfterApply) else AfterApply(value["$ref"], value["attr"])
            )
            return
        for item in value.values():
            yield from _placeholders(item)
    elif isinstance(value, list):
        for item in value:
            yield from _placeholders(item)
    elif isinstance(value, Marked):
        yield from _placeholders(value.value)


def _check(
    ref: AfterApply, pos: str | None, resources: Mapping[str, Resource], schemas: Schemas
) -> ConfigError | None:
    address, attr = ref["$ref"], str(ref["attr"])
    for resource in _placed(address, resources):
        schema = schemas.get(resource.provider, {}).get(resource.type)
        if schema is None or attr in schema.outputs:
            continue
        provider = resource.provider
        return ConfigError(
            f"{address} has no attribute {attr!r}: provider {provider} does not produce it",
            pos=SourcePos.parse(pos),
            allowed=schema.outputs,
            hint=did_you_mean(attr, schema.outputs),
        )
    return None


def _placed(address: str, resources: Mapping[str, Resource]) -> list[Resource]:
    """The resources a block's address became: itself, or its copies per target
    ("function.resize[aws]")."""
    found = resources.get(address)
    if found is not None:
        return [found]
    prefix = f"{address}["
    return [r for a, r in resources.items() if a.startswith(prefix) and a.endswith("]")]
