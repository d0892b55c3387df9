"""Which stored objects belong to this configuration: one marker per address under
local/owners/, naming the address and the lineage of the state that created it.

`create` adopts an object already stored at its address only when the marker names that
address and this state's lineage: an apply killed after the object was made but before the
state recorded it is the one case. Any other stored object is foreign (its state was lost
or belongs to another lineage) and must be adopted on purpose with `fnplan import`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fnplan.errors import ProviderError
from fnplan.resources import Resource
from fnplan.state.model import ResourceState

from .disk import Layout, encode_address, read_json
from .problems import resource_error
from .registry import JsonRegistry

#: the digits of a runtime venv's hash suffix (see runtimes.venv_dir)
_VENV_HASH = 16


class Ownership:
    """Markers of the objects created under one state lineage (None: no state, e.g. a test)."""

    def __init__(self, layout: Layout, lineage: str | None) -> None:
        self._layout = layout
        self._lineage = lineage
        self._owners = JsonRegistry(layout.root / "owners", layout.root)

    @contextmanager
    def creating(self, resource: Resource) -> Iterator[None]:
        """Around a create: refuse a foreign object, mark the address first (so that a
        create interrupted half-way is ours to finish), and drop the marker again when
        nothing got stored (a failed create)."""
        address = resource.address
        if resource.type == "runtime" and not resource.attributes.get("packages"):
            yield  # the interpreter running fnplan: nothing is stored, nothing to own
            return
        with self._owners.lock(address):
            if stored(self._layout, resource.type, address, resource.attributes):
                if not self.ours(address):
                    raise foreign_error(resource)
            else:
                self.mark(address)
        try:
            yield
        finally:
            if not stored(self._layout, resource.type, address, resource.attributes):
                self.forget(address)

    def ours(self, address: str) -> bool:
        """Whether the object at `address` was created under this state's lineage."""
        return self._owners.get(address) == self._marker(address)

    def mark(self, address: str) -> None:
        """Record the object at `address` as created (or adopted) by this state."""
        self._owners.put(address, self._marker(address))

    def forget(self, address: str) -> None:
        """Drop the marker of a deleted object (a missing one is fine)."""
        self._owners.remove(address)

    def _marker(self, address: str) -> dict[str, Any]:
        return {"address": address, "lineage": self._lineage}


def import_prior(layout: Layout, type_: str, address: str, id: str) -> ResourceState:
    """What to observe for `fnplan import ADDRESS ID`: the object stored under ID, which is
    the address itself (the local provider names every object after its address)."""
    if id != address:
        raise ProviderError(
            f"{address}: the local provider stores objects under their address, "
            f"so the ID of {address} is {address!r}, not {id!r}",
            hint=f"fnplan import {address} {address}",
        )
    attributes: dict[str, Any] = {}
    if type_ == "event":
        owned = JsonRegistry(layout.events, layout.root).all().values()
        entry = next((e for e in owned if e.get("address") == address), None)
        attributes = {"type": entry.get("type")} if entry is not None else {}
    elif type_ == "runtime":
        attributes = _runtime_spec(layout, address)
    if type_ != "runtime" and not stored(layout, type_, address, attributes):
        raise ProviderError(
            f"{address}: no {type_} is stored under the ID {id!r} (looked in {layout.root})"
        )
    return ResourceState(address=address, type=type_, provider="local", attributes=attributes)


def _runtime_spec(layout: Layout, address: str) -> dict[str, Any]:
    """The language and packages of a runtime's newest venv ({} for none: a runtime without
    packages is the interpreter running fnplan, always there)."""
    venvs = [layout.runtimes / name for name in runtime_venvs(layout, address)]
    specs = [read_json(venv / "packages.json") for venv in venvs]
    built = [(venv.stat().st_mtime_ns, spec) for venv, spec in zip(venvs, specs, strict=True)]
    complete = [item for item in built if isinstance(item[1], dict)]
    return dict(max(complete, key=lambda item: item[0])[1]) if complete else {}


def stored(layout: Layout, type_: str, address: str, attributes: dict[str, Any]) -> bool:
    """Whether the local store holds an object of `type_` at `address` (a runtime without
    packages stores nothing: it is the interpreter running fnplan)."""
    if type_ == "function":
        return layout.function_dir(address).is_dir()
    if type_ == "workflow":
        return layout.workflow_dir(address).is_dir()
    if type_ == "trigger":
        return JsonRegistry(layout.triggers, layout.root).get(address) is not None
    if type_ == "event":
        event_type = attributes.get("type")
        if not isinstance(event_type, str) or not event_type:
            return False
        entry = JsonRegistry(layout.events, layout.root).get(event_type)
        return entry is not None and entry.get("address") == address
    if type_ == "runtime":
        return bool(runtime_venvs(layout, address))
    return False


def runtime_venvs(layout: Layout, address: str) -> list[str]:
    """The names of the venv directories stored for a runtime address."""
    prefix = f"{encode_address(address)}-"
    try:
        names = [path.name for path in layout.runtimes.iterdir()]
    except FileNotFoundError:
        return []
    return sorted(n for n in names if n.startswith(prefix) and len(n) == len(prefix) + _VENV_HASH)


def foreign_error(resource: Resource) -> Exception:
    """The refusal to take over an object this state did not create, with how to adopt it
    (the local provider's ID of an object is the address it is stored under)."""
    address = resource.address
    return resource_error(
        resource,
        f"{address} already exists (not created by this configuration); "
        f"adopt it with `fnplan import {address} {address}`",
        hint=f'or add `import {{ to = {address}  id = "{address}" }}` to the configuration; '
        "the local provider's ID of an object is the address it is stored under",
    )
