"""A small, real in-memory provider for plan/apply tests: objects in a dict keyed by an id it
assigns, a log of calls in order, failures on request and mutation to simulate drift."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Mapping
from typing import Any, ClassVar

from fnplan.errors import ProviderError
from fnplan.provider import BaseProvider, Observation, ProviderContext
from fnplan.provider_schema import ResourceSchema
from fnplan.resources import Resource
from fnplan.state.model import ResourceState


class MemoryProvider(BaseProvider):
    """Implements fnplan.provider.Provider over a dict; thread-safe."""

    name: ClassVar[str] = "memory"
    node_types: ClassVar[frozenset[str]] = frozenset({"function", "workflow"})
    #: a runtime's language and a function's name force replacement; an update keeps the
    #: object's id and the endpoint named after it
    resource_schemas: ClassVar[Mapping[str, ResourceSchema]] = {
        kind: ResourceSchema(
            attributes=frozenset(),
            outputs={"id": "create", "endpoint": "create"},
            replace_paths={"runtime": ("language",), "function": ("name",)}.get(kind, ()),
        )
        for kind in ("runtime", "function", "workflow", "event", "trigger")
    }
    threaded: ClassVar[bool] = True
    capabilities: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, context: ProviderContext | None = None) -> None:
        self.context = context
        self.objects: dict[str, dict[str, Any]] = {}  # id -> {"address":, "attributes":}
        self.calls: list[tuple[str, str]] = []
        self.fail_on: set[tuple[str, str]] = set()  # (operation, address)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    # -- the protocol -------------------------------------------------------------------
    def observe(self, prior: ResourceState) -> Observation:
        self._log("observe", prior.address)
        with self._lock:
            found = self.objects.get(str(prior.outputs.get("id")))
            if found is None:
                return Observation(exists=False)
            return Observation(
                exists=True,
                attributes=dict(found["attributes"]),
                outputs={"id": prior.outputs["id"]},
            )

    def create(self, resource: Resource) -> dict[str, Any]:
        self._log("create", resource.address)
        with self._lock:
            object_id = f"obj-{next(self._ids)}"
            self.objects[object_id] = {
                "address": resource.address,
                "attributes": dict(resource.attributes),
            }
        return {"id": object_id, "endpoint": f"mem://{resource.address}/{object_id}"}

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        self._log("update", resource.address)
        object_id = str(prior.outputs.get("id"))
        with self._lock:
            if object_id not in self.objects:
                raise ProviderError(f"{resource.address}: object {object_id} does not exist")
            self.objects[object_id]["attributes"] = dict(resource.attributes)
        return {"id": object_id, "endpoint": f"mem://{resource.address}/{object_id}"}

    def delete(self, prior: ResourceState) -> None:
        self._log("delete", prior.address)
        with self._lock:
            self.objects.pop(str(prior.outputs.get("id")), None)

    # -- test helpers -------------------------------------------------------------------
    def live(self, address: str) -> list[dict[str, Any]]:
        """The attributes of every object currently recorded for `address`."""
        with self._lock:
            return [o["attributes"] for o in self.objects.values() if o["address"] == address]

    def mutate(self, address: str, **attributes: Any) -> None:
        """Change an object behind fnplan's back (drift)."""
        with self._lock:
            for found in self.objects.values():
                if found["address"] == address:
                    found["attributes"].update(attributes)

    def remove(self, address: str) -> None:
        """Delete an object behind fnplan's back."""
        with self._lock:
            for object_id in [i for i, o in self.objects.items() if o["address"] == address]:
                del self.objects[object_id]

    def _log(self, operation: str, address: str) -> None:
        with self._lock:
            self.calls.append((operation, address))
            if (operation, address) in self.fail_on:
                raise ProviderError(f"simulated {operation} failure")
