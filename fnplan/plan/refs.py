"""{"$ref": ADDRESS, "attr": NAME} placeholders in root output values: finding and filling them.

Compile leaves these where an output refers to a value only the provider knows (an endpoint,
a version number); the plan shows them as known after apply, apply fills them from state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fnplan.state.model import ResourceState

#: a placeholder's resolver: (address, attr or None) -> (found, value)
Lookup = Callable[[str, str | None], tuple[bool, Any]]


def is_ref(value: Any) -> bool:
    """True for a {"$ref": ADDRESS, ...} placeholder."""
    return isinstance(value, dict) and isinstance(value.get("$ref"), str)


def iter_refs(value: Any) -> Iterator[dict[str, Any]]:
    """Every placeholder inside `value`, depth first."""
    if is_ref(value):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from iter_refs(item)


def fill_refs(value: Any, lookup: Lookup) -> tuple[Any, bool]:
    """`value` with every placeholder the lookup finds replaced; the flag says all were found."""
    if is_ref(value):
        found, resolved = lookup(value["$ref"], value.get("attr"))
        return (resolved, True) if found else (value, False)
    if isinstance(value, dict):
        filled: dict[str, Any] = {}
        complete = True
        for key, item in value.items():
            filled[key], ok = fill_refs(item, lookup)
            complete = complete and ok
        return filled, complete
    if isinstance(value, list):
        items = [fill_refs(item, lookup) for item in value]
        return [item for item, _ in items], all(ok for _, ok in items)
    return value, True


def state_lookup(resources: Mapping[str, ResourceState]) -> Lookup:
    """A resolver reading recorded resource outputs (attr None means the whole outputs object)."""

    def lookup(address: str, attr: str | None) -> tuple[bool, Any]:
        record = resources.get(address)
        if record is None:
            return False, None
        outputs = record.outputs
        if attr is None:
            return True, outputs
        return (True, outputs[attr]) if attr in outputs else (False, None)

    return lookup
