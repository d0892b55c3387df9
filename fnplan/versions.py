"""The identity of a function version, public for providers: `version_of(attributes)` is the
hash of a function's code (its `source_hash`) and configuration that compile records as
`version` (docs/resource-attributes.md). A provider that stores versions re-checks it when it
publishes and observes one, so stored content always matches its version hash."""

from __future__ import annotations

from typing import Any

from fnplan.compile.canonical import hash_json

#: attributes that do not take part in a function's version hash: the version itself, the
#: provider's retention hints, and the checkout location (code identity is `source_hash`)
UNVERSIONED = frozenset({"version", "retain_versions", "keep_versions", "source"})


def version_of(attributes: dict[str, Any]) -> str:
    """The version hash: code and configuration, nothing else (see UNVERSIONED)."""
    return hash_json({k: v for k, v in attributes.items() if k not in UNVERSIONED})
