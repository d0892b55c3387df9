"""Triggers on this machine: one registry entry per trigger address (local/triggers/).

The entry is the trigger's attributes; `fnplan serve` reads them to run schedules, HTTP
routes and event subscriptions.
"""

from __future__ import annotations

from typing import Any

from fnplan.provider import Observation
from fnplan.resources import Resource
from fnplan.state.model import ResourceState

from .disk import Layout
from .problems import resource_error
from .registry import JsonRegistry

KINDS = frozenset({"schedule", "event", "storage", "queue", "http", "completion"})


class Triggers:
    """Create, observe, update and delete trigger entries."""

    def __init__(self, layout: Layout) -> None:
        self._registry = JsonRegistry(layout.triggers, layout.root)

    def observe(self, prior: ResourceState) -> Observation:
        """The stored entry read back, so edits outside fnplan show as drift."""
        entry = self._registry.get(prior.address)
        if entry is None:
            return Observation(exists=False)
        return Observation(exists=True, attributes=entry, outputs=_outputs(prior.address))

    def create(self, resource: Resource) -> dict[str, Any]:
        """Store (or overwrite) the entry for this address."""
        kind = resource.attributes.get("kind")
        if kind not in KINDS:
            raise resource_error(resource, f"unknown trigger kind {kind!r}", allowed=KINDS)
        self._registry.put(resource.address, dict(resource.attributes))
        return _outputs(resource.address)

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        """Overwrite the entry; a trigger has nothing to replace."""
        return self.create(resource)

    def delete(self, prior: ResourceState) -> None:
        """Drop the entry; a missing one is fine."""
        self._registry.remove(prior.address)


def _outputs(address: str) -> dict[str, Any]:
    return {"id": address}
