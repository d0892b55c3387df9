"""Runtime and function resources: attributes per docs/resource-attributes.md and version hashes."""

from __future__ import annotations

from typing import Any

from fnplan.compile.canonical import plain
from fnplan.compile.index import Entry, Index
from fnplan.compile.schemas import SchemaFiles
from fnplan.config.model import Function, Runtime
from fnplan.resources import Resource
from fnplan.versions import version_of as version_of  # compile's callers import it here


def runtime_attributes(entry: Entry[Runtime], index: Index) -> dict[str, Any]:
    """The runtime's attributes (inheritance is already applied by the loader)."""
    runtime = entry.block
    base = None
    if runtime.base is not None:
        base = index.resolve(entry.config, runtime.base, ("runtime",), f"{entry.address}.base")
    return plain(
        {
            "name": runtime.name,
            "language": runtime.language,
            "image": runtime.image,
            "memory": runtime.memory,
            "timeout": runtime.timeout,
            "env": plain(dict(runtime.env)),
            "packages": list(runtime.packages),
            "base": base,
        }
    )


def runtime_resource(
    entry: Entry[Runtime], attributes: dict[str, Any], provider: str, *, address: str = ""
) -> Resource:
    """The `runtime.NAME` resource (or its copy at `address`); it depends on its base runtime,
    if any."""
    base = attributes["base"]
    return Resource(
        address=address or entry.address,
        type="runtime",
        provider=provider,
        attributes=attributes,
        depends_on=[base] if base else [],
        group=address or entry.address,
        pos=entry.block.pos,
    )


def function_attributes(
    entry: Entry[Function],
    runtime_address: str,
    runtime: dict[str, Any],
    source_hash: str,
    schemas: SchemaFiles,
) -> dict[str, Any]:
    """A function's attributes before `retain_versions` and `version` are known."""
    function = entry.block
    return {
        "name": function.name,
        "runtime": {"address": runtime_address, **runtime},
        "source": function.source,
        "source_hash": source_hash,
        "handler": function.handler,
        "memory": function.memory if function.memory is not None else runtime["memory"],
        "timeout": plain(function.timeout) if function.timeout is not None else runtime["timeout"],
        "env": plain({**runtime["env"], **function.env}),
        "input_schema": schemas.load(function.input_schema, function.pos_of("input_schema")),
        "output_schema": schemas.load(function.output_schema, function.pos_of("output_schema")),
        "scaling": {
            "min": function.scaling.min,
            "max": function.scaling.max,
            "concurrency": function.scaling.concurrency,
        },
        "rollout": {
            "strategy": function.rollout.strategy,
            "steps": list(function.rollout.steps),
            "interval": function.rollout.interval,
        },
        "keep_versions": function.keep_versions,
    }


def with_overrides(
    attributes: dict[str, Any], memory: int | None, timeout: float | None
) -> dict[str, Any]:
    """A copy of function attributes with a dedicated step's memory/timeout applied."""
    copy = dict(attributes)
    if memory is not None:
        copy["memory"] = memory
    if timeout is not None:
        copy["timeout"] = plain(timeout)
    return copy


def function_resource(
    address: str,
    entry: Entry[Function],
    attributes: dict[str, Any],
    *,
    version: str,
    retain_versions: list[str],
    provider: str,
    group: str,
) -> Resource:
    """The final function resource (shared `function.X` or a dedicated copy); `version` is
    `version_of(attributes)`, computed once by the caller."""
    final = {**attributes, "retain_versions": sorted(retain_versions), "version": version}
    return Resource(
        address=address,
        type="function",
        provider=provider,
        attributes=final,
        depends_on=[attributes["runtime"]["address"]],
        group=group,
        pos=entry.block.pos,
    )
