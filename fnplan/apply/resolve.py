"""Apply fills what the plan left known after apply: before a resource's provider call, its
{"$ref"} and {"$version"} placeholders are filled from what this apply has just recorded for
the resources it refers to (their dependencies, applied first), and a version that hashed an
unknown value is computed from the filled content. A provider never sees a placeholder."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from fnplan.compile.identity import VERSIONED, content_version
from fnplan.errors import FnplanError
from fnplan.plan.refs import fill_refs, has_refs, is_version_ref, iter_refs, state_lookup

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState


def resolve(resource: Resource, recorded: Mapping[str, ResourceState]) -> Resource:
    """`resource` with every placeholder filled from `recorded`; FnplanError naming the
    value when a referenced resource did not record it."""
    attributes = resource.attributes
    if not has_refs(attributes):
        return resource
    own = attributes.get("version")
    unsettled = is_version_ref(own)
    rest = {k: v for k, v in attributes.items() if k != "version"} if unsettled else attributes
    filled, complete = fill_refs(rest, state_lookup(recorded), strict=True)
    if not complete:
        missing = [f"{r['$ref']}.{r.get('attr')}" for r in iter_refs(filled, strict=True)] or [
            "a version"
        ]
        raise FnplanError(
            f"{resource.address}: the value of {', '.join(missing)} is not known after applying "
            "what it refers to",
            hint="the provider did not return that output; make a new plan",
        )
    if unsettled and resource.type in VERSIONED:
        filled = {**filled, "version": content_version(resource.type, filled)}
    return resource.model_copy(update={"attributes": filled})
