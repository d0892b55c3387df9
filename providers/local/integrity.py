"""The identity of a stored function version: its code hashes to its `source_hash`, and code
plus configuration to its `version` (docs/resource-attributes.md).

Publishing refuses a version that breaks this; observing re-checks it, and reports a broken
identity as attributes that differ from the recorded ones, which a plan shows as drift.
"""

from __future__ import annotations

from typing import Any

from fnplan.resources import Resource
from fnplan.versions import version_of

from . import snapshot
from .problems import resource_error


def code_hash(files: snapshot.Fingerprint) -> str:
    """The `source_hash` of fingerprinted code."""
    return snapshot.tree_hash({rel: str(entry["sha256"]) for rel, entry in files.items()})


def check_publishable(resource: Resource, files: snapshot.Fingerprint) -> None:
    """Refuse to publish a version whose copied code or configuration is not what its
    `source_hash` and `version` say (the code changed after planning, or a hand-made
    resource)."""
    attributes = resource.attributes
    copied = code_hash(files)
    if copied != attributes.get("source_hash"):
        raise resource_error(
            resource,
            f"the code in {attributes.get('source')} hashes to {copied}, not to the planned "
            f"source_hash {attributes.get('source_hash')}: it changed after the plan was made",
            hint="make a new plan and apply that",
        )
    if version_of(attributes) != attributes.get("version"):
        raise resource_error(
            resource, "the `version` is not the hash of the function's code and configuration"
        )


def identity_drift(manifest: dict[str, Any], stored: str) -> dict[str, str]:
    """Observed attributes that replace the recorded ones when a stored version's identity is
    broken: `stored` is the hash of its code as found on disk."""
    attributes = manifest["attributes"]
    found: dict[str, str] = {}
    if stored != attributes.get("source_hash"):
        found["source_hash"] = f"tampered: the stored code hashes to {stored}"
    actual = version_of(attributes)
    if actual != manifest.get("version") or actual != attributes.get("version"):
        found["version"] = f"tampered: the stored configuration hashes to {actual}"
    return found
