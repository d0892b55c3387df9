"""Event types on the local bus: one registry entry per CloudEvents type (local/events/).

An entry is {"address", "name", "type", "schema", "source"}; `fnplan emit` validates a
payload against its schema and hands it to the triggers listening for that type. A type has
one owner.
"""

from __future__ import annotations

from typing import Any

from fnplan.provider import Observation
from fnplan.resources import Resource
from fnplan.state.model import ResourceState

from .disk import Layout
from .problems import resource_error
from .registry import JsonRegistry

_KEYS = ("name", "type", "schema", "source")


class Events:
    """Create, observe, update and delete event types."""

    def __init__(self, layout: Layout) -> None:
        self._registry = JsonRegistry(layout.events, layout.root)

    def observe(self, prior: ResourceState) -> Observation:
        """The registered entry, if this address still owns the type."""
        entry = self._owned(prior.attributes.get("type"), prior.address)
        if entry is None:
            return Observation(exists=False)
        attributes = {key: entry.get(key) for key in _KEYS}
        return Observation(exists=True, attributes=attributes, outputs={"type": entry.get("type")})

    def create(self, resource: Resource) -> dict[str, Any]:
        """Register the type (adopting an entry this address already owns)."""
        event_type = resource.attributes.get("type")
        if not isinstance(event_type, str) or not event_type:
            raise resource_error(resource, "the event has no `type`")
        with self._registry.lock(event_type):
            owner = (self._registry.get(event_type) or {}).get("address", resource.address)
            if owner != resource.address:
                raise resource_error(
                    resource, f"event type {event_type!r} is already registered by {owner}"
                )
            entry = {key: resource.attributes.get(key) for key in _KEYS}
            self._registry.put(event_type, {"address": resource.address, **entry})
        return {"type": event_type}

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        """Re-register, releasing the old type when it changed."""
        outputs = self.create(resource)
        if prior.attributes.get("type") != outputs["type"]:
            self.delete(prior)
        return outputs

    def delete(self, prior: ResourceState) -> None:
        """Release the type if this address owns it."""
        event_type = prior.attributes.get("type")
        if not isinstance(event_type, str):
            return
        with self._registry.lock(event_type):
            if self._owned(event_type, prior.address) is not None:
                self._registry.remove(event_type)

    def _owned(self, event_type: Any, address: str) -> dict[str, Any] | None:
        """The entry of `event_type` when `address` owns it."""
        if not isinstance(event_type, str) or not event_type:
            return None
        entry = self._registry.get(event_type)
        return entry if entry is not None and entry.get("address") == address else None
