"""State edits for `fnplan state list/show/rm/mv`: pure functions from State to State.

An address also names its children: "workflow.a" covers "workflow.a.function.x" (a dedicated
copy), so rm and mv carry the children along.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence

from fnplan.addresses import parts
from fnplan.errors import StateError, did_you_mean
from fnplan.state.model import ResourceState, State

_GLOB_CHARS = frozenset("*?[")


def list_addresses(state: State, patterns: Sequence[str] = ()) -> list[str]:
    """Sorted addresses matching any glob pattern or inside a named address; all if none given."""
    addresses = sorted(state.resources)
    if not patterns:
        return addresses
    _require_covered(state, [p for p in patterns if not _is_glob(state, p)])
    return [
        address
        for address in addresses
        if any(
            _covers(p, address) or (_is_glob(state, p) and fnmatch.fnmatchcase(address, p))
            for p in patterns
        )
    ]


def _is_glob(state: State, pattern: str) -> bool:
    """Whether `pattern` is a glob: it has glob characters and is not an address of the
    state, nor a parent of one (a target suffix, "workflow.w[local.b]", has brackets)."""
    if not _GLOB_CHARS.intersection(pattern) or pattern in state.resources:
        return False
    return not any(_inside(address, pattern) for address in state.resources)


def show_resource(state: State, address: str) -> ResourceState:
    """The recorded resource at `address`; StateError with a suggestion when there is none."""
    resource = state.resources.get(address)
    if resource is None:
        raise _unknown(state, address)
    return resource


def remove(state: State, addresses: Iterable[str]) -> State:
    """`state` without `addresses` and their children (fnplan forgets them; nothing is deleted)."""
    targets = set(addresses)
    _require_covered(state, targets)
    kept = {
        address: resource
        for address, resource in state.resources.items()
        if targets.isdisjoint(_prefixes(address))
    }
    return state.model_copy(update={"resources": kept})


def records_under(state: State, address: str) -> list[ResourceState]:
    """The record at `address` and its children (e.g. a dedicated workflow's copies)."""
    return [r for a, r in sorted(state.resources.items()) if _covers(address, a)]


def move(state: State, src: str, dst: str) -> State:
    """`state` with `src` (and its children) renamed to `dst`, dependencies and groups following."""
    _require_covered(state, [src])
    if src == dst:
        raise StateError(f"cannot move {src!r} onto itself")
    moving = {address for address in state.resources if _covers(src, address)}
    renamed = {address: dst + address[len(src) :] for address in moving}
    clashes = sorted(
        new for new in renamed.values() if new in state.resources and new not in moving
    )
    if clashes:
        raise StateError(
            f"cannot move {src!r} to {dst!r}: {clashes[0]!r} already exists in the state",
            hint=f"remove it first with: fnplan state rm {clashes[0]}",
        )
    if src in state.resources:
        _check_type(state.resources[src], dst)
    resources: dict[str, ResourceState] = {}
    for resource in state.resources.values():
        updated = _renamed(resource, src, dst, renamed)
        resources[updated.address] = updated
    return state.model_copy(update={"resources": resources})


def _renamed(resource: ResourceState, src: str, dst: str, renamed: dict[str, str]) -> ResourceState:
    """`resource` with address, group and dependencies following a move (itself if untouched)."""
    address = renamed.get(resource.address, resource.address)
    dependencies = [renamed.get(dep, dep) for dep in resource.dependencies]
    group = dst + resource.group[len(src) :] if _covers(src, resource.group) else resource.group
    if (address, dependencies, group) == (resource.address, resource.dependencies, resource.group):
        return resource
    return resource.model_copy(
        update={"address": address, "dependencies": dependencies, "group": group}
    )


def _check_type(resource: ResourceState, dst: str) -> None:
    names = parts(dst)
    if len(names) < 2 or names[-2] != resource.type or not names[-1]:
        raise StateError(
            f"cannot move {resource.address!r} to {dst!r}: the new address must name a "
            f"{resource.type}, ending in '{resource.type}.<name>'",
        )


def _covers(target: str, address: str) -> bool:
    return address == target or _inside(address, target)


def _inside(address: str, parent: str) -> bool:
    return address.startswith(parent) and address[len(parent) : len(parent) + 1] == "."


def _prefixes(address: str) -> list[str]:
    """`address` and every dotted prefix of it: "a.b.c" -> ["a", "a.b", "a.b.c"] (a target
    suffix "[local.b]" stays whole)."""
    names = parts(address)
    return [".".join(names[:end]) for end in range(1, len(names) + 1)]


def _require_covered(state: State, addresses: Iterable[str]) -> None:
    """StateError for the first address that is neither a resource nor a parent of one."""
    wanted = [a for a in addresses if a not in state.resources]
    if not wanted:
        return
    known = {prefix for existing in state.resources for prefix in _prefixes(existing)}
    for address in wanted:
        if address not in known:
            raise _unknown(state, address)


def _unknown(state: State, address: str) -> StateError:
    return StateError(
        f"no resource {address!r} in the state",
        hint=did_you_mean(address, state.resources) or "list them with: fnplan state list",
    )
