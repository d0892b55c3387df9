"""The version hash of a versioned resource's content (functions and workflows), shared by
compile and by the plan and apply steps that fill in values known after apply: a version
always hashes exactly the content stored under it (docs/plan.md, "Values known after apply")."""

from __future__ import annotations

from typing import Any

from fnplan.compile.canonical import hash_json
from fnplan.compile.functions import version_of

#: resource types whose `version` attribute hashes their content
VERSIONED = frozenset({"function", "workflow"})


def document_version(document: dict[str, Any]) -> str:
    """A workflow's version: its document without the values it must hide."""
    return hash_json({k: v for k, v in document.items() if k != "sensitive_values"})


def content_version(type_: str, attributes: dict[str, Any]) -> str:
    """The version hash of a function's or workflow's attributes."""
    if type_ == "workflow":
        return document_version(attributes["document"])
    return version_of(attributes)
