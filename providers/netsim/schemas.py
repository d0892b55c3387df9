"""What netsim declares: its provider block, its resource types and its data source."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from fnplan.provider_schema import DataSourceSchema, OutputKnown, ResourceSchema


class NetsimConfig(BaseModel):
    """The `provider "netsim" {}` block.

    root            the simulated cloud's directory (relative to the project directory);
                    default: <workspace data dir>/netsim (netsim.ALIAS for an alias)
    latency_ms      every API call takes this long
    consistency_ms  a new object is invisible to reads for this long after its creation
    region          appears in ARNs and URLs
    name_prefix     put before every physical name (e.g. an environment)
    """

    model_config = ConfigDict(extra="forbid")

    root: str | None = None
    latency_ms: int = Field(default=0, ge=0, le=60_000)
    consistency_ms: int = Field(default=0, ge=0, le=600_000)
    region: str = Field(default="sim-1", pattern=r"^[a-z0-9-]{1,32}$")
    name_prefix: str = ""


#: outputs every object has, known once it exists
_IDENTITY: dict[str, OutputKnown] = {
    "id": "create",
    "arn": "create",
    "url": "create",
    "name": "create",
    "created_at": "create",
}
#: outputs of a type with published versions: each update may publish a new one
_VERSIONED: dict[str, OutputKnown] = {
    **_IDENTITY,
    "version": "apply",
    "version_number": "apply",
    "version_arn": "apply",
    "versions": "apply",
}
_RUNTIME = ("name", "language", "image", "memory", "timeout", "env", "packages", "base")
_FUNCTION = (
    *("name", "runtime", "source", "source_hash", "handler", "memory", "timeout", "env"),
    *("input_schema", "output_schema", "scaling", "rollout"),
    *("keep_versions", "retain_versions", "version"),
)
_TRIGGER = (
    *("name", "kind", "schedule", "event_type", "source", "on_completion"),
    *("target", "target_type", "input"),
)

RESOURCE_SCHEMAS: dict[str, ResourceSchema] = {
    "runtime": ResourceSchema(frozenset(_RUNTIME), _IDENTITY, ("language",)),
    # a function cannot change language in place: its packages were built for the old one
    "function": ResourceSchema(frozenset(_FUNCTION), _VERSIONED, ("runtime.language",)),
    "workflow": ResourceSchema(frozenset({"name", "isolation", "document", "version"}), _VERSIONED),
    "event": ResourceSchema(frozenset({"name", "type", "schema", "source"}), _IDENTITY, ("type",)),
    "trigger": ResourceSchema(frozenset(_TRIGGER), _IDENTITY, ("kind", "source.kind")),
}

#: `data "netsim_object" "x" { id = "..." }` or `{ type = "function", name = "..." }`
OBJECT_DATA_SOURCE = "netsim_object"
DATA_SOURCES: dict[str, DataSourceSchema] = {
    OBJECT_DATA_SOURCE: DataSourceSchema(
        arguments=frozenset({"id", "type", "name"}),
        attributes=frozenset(
            {"id", "type", "name", "arn", "url", "tags", "version", "version_number", "spec"}
        ),
    )
}


def data_attributes(obj: dict[str, Any]) -> dict[str, Any]:
    """What a `netsim_object` data source reads from an object."""
    return {
        "id": obj["id"],
        "type": obj["type"],
        "name": obj["name"],
        "arn": obj["arn"],
        "url": obj["url"],
        "tags": dict(obj["tags"]),
        "version": obj["spec"].get("version"),
        "version_number": obj.get("version_number"),
        "spec": obj["spec"],
    }
