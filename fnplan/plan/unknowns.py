"""Values known after apply in resource attributes, at plan time.

A resource attribute may hold another resource's output as a {"$ref"} placeholder. The plan
fills it with the recorded value when that value is settled (the referenced resource is left
as it is, is updated in place and the output is one its provider keeps on updates, or the
provider predicts it); otherwise it stays a placeholder, the attribute change is shown as
"(known after apply)" and apply fills it (fnplan.apply.resolve).

A function or workflow version hashes its content, so filling a value changes the version:
the settled version is computed here, and workflows calling that version are rewritten to
it; a version whose content is not yet known becomes {"$version": ADDRESS}, computed by apply.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from fnplan.compile.identity import VERSIONED, content_version
from fnplan.plan.refs import (
    VERSION,
    fill_refs,
    has_refs,
    is_attr_ref,
    is_version_ref,
    state_lookup,
    version_ref,
)

if TYPE_CHECKING:
    from fnplan.plan.model import AttrChange, ResourceChange
    from fnplan.provider_schema import ResourceSchema
    from fnplan.resources import Resource
    from fnplan.state.model import State

#: provider address -> resource type -> its schema
ProviderSchemas = Mapping[str, Mapping[str, "ResourceSchema"]]
#: how a value not yet known is shown
UNKNOWN_TEXT = "(known after apply)"
#: stands for an unknown value while diffing (a string, so deepdiff reports one leaf)
_MASK = "\x00known after apply\x00"


class Settler:
    """Fills placeholders from what the plan leaves settled, as the plan's changes are
    decided (a referenced resource is always decided before the resource referring to it)."""

    def __init__(self, state: State, schemas: ProviderSchemas) -> None:
        self._recorded = state_lookup(state.resources)
        self._schemas = schemas
        self._changes: dict[str, ResourceChange] = {}
        self._predicted: dict[str, dict[str, Any]] = {}
        #: (address, version compiled) -> the settled version or its {"$version"} placeholder
        self._versions: dict[tuple[str, str], Any] = {}

    def decided(self, change: ResourceChange, predicted: Mapping[str, Any] | None = None) -> None:
        """Record one decided change (and the outputs its provider predicts for it)."""
        self._changes[change.address] = change
        if predicted:
            self._predicted[change.address] = dict(predicted)

    def lookup(self, address: str, attr: str | None) -> tuple[bool, Any]:
        """A placeholder's value when the plan leaves it settled (see the module doc)."""
        change = self._changes.get(address)
        if change is None or change.action == "noop":
            return self._recorded(address, attr)
        if attr == VERSION:
            version = change.resource.attributes.get("version") if change.resource else None
            return (True, version) if isinstance(version, str) else (False, None)
        predicted = self._predicted.get(address, {})
        if attr is not None and attr in predicted:
            return True, predicted[attr]
        if change.action == "update" and attr is not None and self._kept(change, attr):
            return self._recorded(address, attr)
        return False, None

    def _kept(self, change: ResourceChange, attr: str) -> bool:
        """Whether an in-place update keeps the output (its schema says it is known "create")."""
        schema = self._schemas.get(change.provider, {}).get(change.type)
        return schema is not None and schema.outputs.get(attr) == "create"

    def needs(self, resource: Resource, referring: AbstractSet[str]) -> bool:
        """Whether `resource` holds placeholders (it is `referring`, as compile found) or
        calls a function or workflow version that was settled to another one."""
        return resource.address in referring or bool(self._versions and resource.type == "workflow")

    def settle(self, resource: Resource) -> Resource:
        """`resource` with its settled placeholders filled and its version recomputed."""
        attributes = resource.attributes
        if resource.type == "workflow" and self._versions:
            attributes = _with_call_versions(attributes, self._versions)
        complete = True
        if has_refs(attributes):
            attributes, complete = fill_refs(attributes, self.lookup, strict=True)
        if attributes is resource.attributes:
            return resource
        if resource.type in VERSIONED:
            compiled = resource.attributes.get("version")
            version = (
                content_version(resource.type, attributes)
                if complete
                else version_ref(resource.address)
            )
            attributes = {**attributes, "version": version}
            if isinstance(compiled, str) and version != compiled:
                self._versions[(resource.address, compiled)] = version
        return resource.model_copy(update={"attributes": attributes})


def _with_call_versions(attributes: dict[str, Any], versions: Mapping[tuple[str, str], Any]) -> Any:
    """A workflow's attributes with each call of a function or workflow version that changed
    while settling rewritten to the new version (the same dict when none did)."""
    document = attributes.get("document")
    if not isinstance(document, dict):
        return attributes
    steps = document.get("steps") or []
    rewritten = [_step_with_versions(step, versions) for step in steps]
    if all(new is old for new, old in zip(rewritten, steps, strict=True)):
        return attributes
    return {**attributes, "document": {**document, "steps": rewritten}}


def _step_with_versions(step: Any, versions: Mapping[tuple[str, str], Any]) -> Any:
    for key in ("function", "workflow"):
        call = step.get(key) if isinstance(step, dict) else None
        if not isinstance(call, dict) or not isinstance(call.get("version"), str):
            continue
        new = versions.get((str(call.get("address")), call["version"]))
        if new is not None:
            step = {**step, key: {**call, "version": new}}
    return step


def masked(value: Any) -> Any:
    """`value` with every placeholder replaced by one marker string, for diffing."""
    if is_attr_ref(value) or is_version_ref(value):
        return _MASK
    if isinstance(value, dict):
        return {key: masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def mark_unknown(changes: list[AttrChange]) -> list[AttrChange]:
    """Attribute changes of a masked diff: a leaf that became unknown is known_after_apply;
    unknowns deeper inside a new value are shown as UNKNOWN_TEXT."""
    marked = []
    for change in changes:
        if change.after == _MASK:
            change = change.model_copy(update={"after": None, "known_after_apply": True})
        elif _contains_mask(change.after):
            change = change.model_copy(update={"after": _unmasked(change.after)})
        marked.append(change)
    return marked


def _contains_mask(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_contains_mask(item) for item in value.values())
    if isinstance(value, list):
        return any(_contains_mask(item) for item in value)
    return value == _MASK


def _unmasked(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _unmasked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unmasked(item) for item in value]
    return UNKNOWN_TEXT if value == _MASK else value
