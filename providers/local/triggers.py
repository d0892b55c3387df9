"""Triggers on this machine: registered in local/triggers.json, one entry per trigger address.

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
    """Create, observe, update and delete trigger entries in the registry file."""

    def __init__(self, layout: Layout) -> None:
        self._registry = JsonRegistry(layout.triggers_file, layout.root)

    def observe(self, prior: ResourceState) -> Observation:
        entry = self._registry.read().get(prior.address)
        if not isinstance(entry, dict):
            return Observation(exists=False)
        return Observation(exists=True, attributes=dict(entry), outputs=_outputs(prior.address))

    def create(self, resource: Resource) -> dict[str, Any]:
        kind = resource.attributes.get("kind")
        if kind not in KINDS:
            raise resource_error(resource, f"unknown trigger kind {kind!r}", allowed=KINDS)
        attributes = dict(resource.attributes)
        self._registry.change(lambda entries: entries.__setitem__(resource.address, attributes))
        return _outputs(resource.address)

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self.create(resource)

    def delete(self, prior: ResourceState) -> None:
        self._registry.change(lambda entries: entries.pop(prior.address, None))


def _outputs(address: str) -> dict[str, Any]:
    return {"id": address}
