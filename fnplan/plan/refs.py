"""{"$ref": ADDRESS, "attr": NAME} placeholders: finding and filling them.

Compile leaves these where a root output or a resource attribute refers to a value only the
provider knows (an endpoint, a version number); the plan fills the settled ones and shows the
rest as known after apply, apply fills them from what it has just recorded.
{"$version": ADDRESS} stands for the version hash a resource gets once its own placeholders
are filled (fnplan.plan.unknowns); lookups receive it as the attribute VERSION.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fnplan.state.model import ResourceState

#: a placeholder's resolver: (address, attr or None) -> (found, value)
Lookup = Callable[[str, str | None], tuple[bool, Any]]
#: the attribute a lookup is asked for to fill a {"$version": ADDRESS} placeholder
VERSION = "$version"


def is_ref(value: Any) -> bool:
    """True for a {"$ref": ADDRESS, ...} placeholder."""
    return isinstance(value, dict) and isinstance(value.get("$ref"), str)


def is_attr_ref(value: Any) -> bool:
    """True for exactly {"$ref": ADDRESS, "attr": NAME}, the only form a resource attribute
    holds (a JSON Schema's own {"$ref": "#/..."} inside an attribute is not one)."""
    return (
        isinstance(value, dict)
        and len(value) == 2
        and isinstance(value.get("$ref"), str)
        and isinstance(value.get("attr"), str)
    )


def is_version_ref(value: Any) -> bool:
    """True for a {"$version": ADDRESS} placeholder (a version known after apply)."""
    return isinstance(value, dict) and len(value) == 1 and isinstance(value.get(VERSION), str)


def version_ref(address: str) -> dict[str, str]:
    """The placeholder of the version `address` gets at apply."""
    return {VERSION: address}


def has_refs(value: Any) -> bool:
    """Whether a resource attribute value holds a placeholder (is_attr_ref or is_version_ref;
    a loop, not a recursion: compile runs it over every attribute of every resource)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if is_attr_ref(item) or is_version_ref(item):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def iter_refs(value: Any, *, strict: bool = False) -> Iterator[dict[str, Any]]:
    """Every {"$ref"} placeholder inside `value`, depth first (`strict`: only the form
    resource attributes hold, is_attr_ref)."""
    if is_attr_ref(value) if strict else is_ref(value):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_refs(item, strict=strict)
    elif isinstance(value, list):
        for item in value:
            yield from iter_refs(item, strict=strict)


def fill_refs(value: Any, lookup: Lookup, *, strict: bool = False) -> tuple[Any, bool]:
    """`value` with every placeholder the lookup finds replaced; the flag says all were found
    (`strict`: a resource's attributes, whose placeholders are is_attr_ref or is_version_ref)."""
    if is_version_ref(value):
        found, resolved = lookup(value[VERSION], VERSION)
        return (resolved, True) if found else (value, False)
    if is_attr_ref(value) if strict else is_ref(value):
        found, resolved = lookup(value["$ref"], value.get("attr"))
        return (resolved, True) if found else (value, False)
    if isinstance(value, dict):
        filled: dict[str, Any] = {}
        complete = True
        for key, item in value.items():
            filled[key], ok = fill_refs(item, lookup, strict=strict)
            complete = complete and ok
        return filled, complete
    if isinstance(value, list):
        items = [fill_refs(item, lookup, strict=strict) for item in value]
        return [item for item, _ in items], all(ok for _, ok in items)
    return value, True


def state_lookup(resources: Mapping[str, ResourceState]) -> Lookup:
    """A resolver reading recorded resource outputs (attr None means the whole outputs object;
    VERSION the recorded version hash)."""

    def lookup(address: str, attr: str | None) -> tuple[bool, Any]:
        record = resources.get(address)
        if record is None:
            return False, None
        if attr == VERSION:
            version = record.attributes.get("version")
            return (True, version) if isinstance(version, str) else (False, None)
        outputs = record.outputs
        if attr is None:
            return True, outputs
        return (True, outputs[attr]) if attr in outputs else (False, None)

    return lookup
