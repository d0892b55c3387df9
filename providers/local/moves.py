"""Moving a stored object to a new address (`moved` blocks, `fnplan state mv`): the local
provider names every object after its address, so the object is renamed with it.

A function's or workflow's directory is renamed in one step (atomic on one file system);
an event's entry names its owner and a trigger's entry is keyed by address, so those are
rewritten. A runtime with packages is refused: its virtual environment holds its own path
and cannot be renamed (a runtime without packages stores nothing).
"""

from __future__ import annotations

import os
from pathlib import Path

from fnplan.state.model import ResourceState

from .disk import LOCKS, Layout, atomic_write_json, make_dirs, prune_empty, read_json
from .functions import VERSIONS
from .registry import JsonRegistry
from .runtimes import venv_dir


def move_object(layout: Layout, prior: ResourceState, address: str) -> None:
    """Rename what is stored for `prior` to `address`; ProviderError when it cannot be."""
    from fnplan.errors import ProviderError

    if prior.type in ("function", "workflow"):
        directory = layout.function_dir if prior.type == "function" else layout.workflow_dir
        _rename(layout, prior, directory(prior.address), directory(address))
        if prior.type == "function":
            _repoint_versions(directory(prior.address), directory(address))
    elif prior.type == "event":
        registry = JsonRegistry(layout.events, layout.root)
        event_type = str(prior.attributes.get("type"))
        with registry.lock(event_type):
            entry = registry.get(event_type)
            if entry is not None and entry.get("address") == prior.address:
                registry.put(event_type, {**entry, "address": address})
    elif prior.type == "trigger":
        registry = JsonRegistry(layout.triggers, layout.root)
        entry = registry.get(prior.address)
        if entry is not None:
            registry.put(address, entry)
            registry.remove(prior.address)
    elif venv_dir(layout, prior.address, prior.attributes) is not None:
        raise ProviderError(
            f"cannot move {prior.address} to {address}: the local provider cannot rename "
            "the virtual environment of a runtime with packages",
            hint="rename the block without a moved block: the runtime is built again under "
            "the new name",
        )


def _rename(layout: Layout, prior: ResourceState, old: Path, new: Path) -> None:
    """Rename `old` to `new` (nothing stored: nothing to do); `new` must not exist."""
    from fnplan.errors import ProviderError

    with LOCKS.get(f"{prior.type}:{prior.address}"):
        if not old.exists():
            return
        if new.exists():
            raise ProviderError(
                f"cannot move {prior.address}: something is already stored at {new}",
                hint="the new address is taken; delete or import that object first",
            )
        make_dirs(new.parent)
        os.rename(old, new)
        prune_empty(old.parent, layout.root)


def _repoint_versions(old: Path, new: Path) -> None:
    """A function's version record names its code directories: they moved with it."""
    record = read_json(new / VERSIONS)
    if not isinstance(record, dict):
        return
    for version in record.get("versions", []):
        path = version.get("path")
        if isinstance(path, str) and path.startswith(str(old) + os.sep):
            version["path"] = str(new) + path[len(str(old)) :]
    atomic_write_json(new / VERSIONS, record)
