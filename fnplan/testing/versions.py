"""Whether what a provider stores for a versioned resource still hashes to its `version`
(docs/resource-attributes.md: a function's code and configuration, a workflow's document)."""

from __future__ import annotations

from typing import Any

from fnplan.compile.canonical import hash_json
from fnplan.compile.functions import version_of
from fnplan.resources import Resource

#: function attributes that describe the deployment, not the version (not hashed)
_UNVERSIONED = frozenset({"source", "keep_versions", "retain_versions"})


def version_problem(resource: Resource, observed: dict[str, Any]) -> str | None:
    """What is wrong with the observed (stored) attributes of `resource` against its
    `version`; None when they match or the type has no version. A provider must read back
    everything the version covers, or the stored content could not be checked."""
    version = resource.attributes.get("version")
    if version is None:
        return None
    missing = sorted(_covered(resource) - observed.keys())
    if missing:
        return f"observe does not read back {missing}: the stored version cannot be checked"
    if observed["version"] != version:
        return f"the stored version is {observed['version']!r}, not {version!r}"
    stored = _stored_hash(resource.type, observed)
    if stored is not None and stored != version:
        return f"the stored content hashes to {stored}, not to its version {version}"
    return None


def with_code_hash(resource: Resource, source_hash: str) -> Resource:
    """`resource` (a function) claiming other code: `source_hash` and a true `version` for
    it, as a plan made before the code changed would carry."""
    attributes = {**resource.attributes, "source_hash": source_hash}
    attributes["version"] = version_of(attributes)
    return resource.model_copy(update={"attributes": attributes})


def _covered(resource: Resource) -> set[str]:
    if resource.type == "function":
        return set(resource.attributes.keys() - _UNVERSIONED)
    if resource.type == "workflow":
        return {"document", "version"}
    return {"version"}


def _stored_hash(type_: str, observed: dict[str, Any]) -> str | None:
    if type_ == "function":
        return version_of(observed)
    if type_ == "workflow":
        document = observed["document"]
        return hash_json({k: v for k, v in document.items() if k != "sensitive_values"})
    return None
