"""Workflows on this machine: versioned documents run by the built-in executor.

local/workflows/<address>/<version>.json holds one document; current.json points at the
deployed one and lists earlier versions, of which the newest few are kept for runs and
parent workflows still pinned to them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fnplan.provider import Observation
from fnplan.resources import Resource
from fnplan.state.model import ResourceState
from fnplan.workflow.model import WorkflowDocument

from .disk import (
    LOCKS,
    Layout,
    atomic_write_json,
    encode_address,
    prune_empty,
    read_json,
    remove_tree,
)
from .leases import leased, store_guard
from .problems import resource_error

CURRENT = "current.json"
#: earlier versions kept besides the current one
KEEP_PREVIOUS = 5


def document_file(directory: Path, version: str) -> Path:
    """Where one version of a workflow document is stored."""
    return directory / f"{encode_address(version)}.json"


def endpoint(address: str) -> str:
    """The address that `fnplan run` and triggers use to start a workflow."""
    return f"local://workflow/{address}"


class Workflows:
    """Store, observe and delete workflow documents."""

    def __init__(self, layout: Layout) -> None:
        self._layout = layout

    def observe(self, prior: ResourceState) -> Observation:
        """The current document read back, so edits outside fnplan show as drift. A directory
        left half-deleted still exists, so that its delete is finished."""
        directory = self._layout.workflow_dir(prior.address)
        pointer = read_json(directory / CURRENT)
        if not isinstance(pointer, dict) or not isinstance(pointer.get("version"), str):
            if not directory.is_dir():
                return Observation(exists=False)
            return _damaged(f"{CURRENT} is missing")
        document = read_json(document_file(directory, pointer["version"]))
        if document is None:
            return _damaged(f"the document of version {pointer['version']} is missing")
        attributes = {
            "name": pointer.get("name"),
            "isolation": pointer.get("isolation"),
            "version": pointer["version"],
            "document": document,
        }
        outputs = _outputs(prior.address, directory, pointer["version"])
        return Observation(exists=True, attributes=attributes, outputs=outputs)

    def create(self, resource: Resource) -> dict[str, Any]:
        """Store the document version and point current.json at it."""
        version = resource.attributes.get("version")
        document = resource.attributes.get("document")
        if not isinstance(version, str) or not version:
            raise resource_error(resource, "the workflow has no `version` hash")
        try:
            WorkflowDocument.model_validate(document)
        except ValidationError as exc:
            raise resource_error(resource, f"invalid workflow document: {exc}") from exc
        directory = self._layout.workflow_dir(resource.address)
        with LOCKS.get(f"workflow:{resource.address}"):
            history = _history(read_json(directory / CURRENT), version)
            atomic_write_json(document_file(directory, version), document)
            with store_guard(self._layout.root):  # no run may lease a version being pruned
                in_use = leased(self._layout.root, resource.address)
                kept = [v for i, v in enumerate(history) if i < KEEP_PREVIOUS or v in in_use]
                new_pointer = {
                    "version": version,
                    "name": resource.attributes.get("name"),
                    "isolation": resource.attributes.get("isolation"),
                    "previous": kept,
                }
                atomic_write_json(directory / CURRENT, new_pointer)
                for old in history:
                    if old not in kept:
                        document_file(directory, old).unlink(missing_ok=True)
        return _outputs(resource.address, directory, version)

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        """Same as create: a new document version becomes current."""
        return self.create(resource)

    def delete(self, prior: ResourceState) -> None:
        """Remove every stored version of this workflow."""
        directory = self._layout.workflow_dir(prior.address)
        with LOCKS.get(f"workflow:{prior.address}"):
            remove_tree(directory)
            prune_empty(directory.parent, self._layout.root)


def _damaged(reason: str) -> Observation:
    """A workflow whose store is partly there: it exists (a delete must finish, an apply
    must repair it) but matches no recorded attributes."""
    return Observation(exists=True, attributes={"version": f"damaged: {reason}"})


def _history(pointer: Any, version: str) -> list[str]:
    """Earlier versions, newest first, after deploying `version`."""
    if not isinstance(pointer, dict):
        return []
    earlier = [pointer.get("version"), *pointer.get("previous", [])]
    return [v for v in dict.fromkeys(earlier) if isinstance(v, str) and v != version]


def _outputs(address: str, directory: Path, version: str) -> dict[str, Any]:
    return {
        "version": version,
        "document_path": str(document_file(directory, version)),
        "endpoint": endpoint(address),
    }
