"""Event types on the local bus: registered in local/events.json as type -> entry.

An entry is {"address", "name", "type", "schema"}; `fnplan emit` validates a payload against
its schema and hands it to the triggers listening for that type.
"""

from __future__ import annotations

from typing import Any

from fnplan.provider import Observation
from fnplan.resources import Resource
from fnplan.state.model import ResourceState

from .disk import Layout
from .problems import resource_error
from .registry import JsonRegistry

_KEYS = ("name", "type", "schema")


class Events:
    """Create, observe, update and delete event types in the registry file."""

    def __init__(self, layout: Layout) -> None:
        self._registry = JsonRegistry(layout.events_file, layout.root)

    def observe(self, prior: ResourceState) -> Observation:
        entry = self._registry.read().get(str(prior.attributes.get("type")))
        if not isinstance(entry, dict) or entry.get("address") != prior.address:
            return Observation(exists=False)
        return Observation(
            exists=True,
            attributes={key: entry.get(key) for key in _KEYS},
            outputs={"type": entry.get("type")},
        )

    def create(self, resource: Resource) -> dict[str, Any]:
        return self._register(resource, old_type=None)

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self._register(resource, old_type=prior.attributes.get("type"))

    def delete(self, prior: ResourceState) -> None:
        old_type = prior.attributes.get("type")
        self._registry.change(lambda entries: _drop(entries, old_type, prior.address))

    def _register(self, resource: Resource, old_type: Any) -> dict[str, Any]:
        event_type = resource.attributes.get("type")
        if not isinstance(event_type, str) or not event_type:
            raise resource_error(resource, "the event has no `type`")

        def mutate(entries: dict[str, Any]) -> None:
            owner = entries.get(event_type, {}).get("address", resource.address)
            if owner != resource.address:
                raise resource_error(
                    resource, f"event type {event_type!r} is already registered by {owner}"
                )
            if old_type != event_type:
                _drop(entries, old_type, resource.address)
            entry = {key: resource.attributes.get(key) for key in _KEYS}
            entries[event_type] = {"address": resource.address, **entry}

        self._registry.change(mutate)
        return {"type": event_type}


def _drop(entries: dict[str, Any], event_type: Any, address: str) -> None:
    """Remove the entry for `event_type` if `address` owns it."""
    if isinstance(event_type, str) and entries.get(event_type, {}).get("address") == address:
        del entries[event_type]
