"""References between resources: an attribute holding another resource's output known only
after apply ({"$ref": ADDRESS, "attr": NAME}) makes that resource a dependency, so plan and
apply order the work; a resource cannot refer to itself nor, through such references, to
something that depends on it."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any

from fnplan.errors import ConfigError, SourcePos
from fnplan.plan.refs import has_refs, iter_refs
from fnplan.resources import Resource


def wire_references(resources: Mapping[str, Resource]) -> list[str]:
    """Add every referenced resource to its referrer's depends_on (in place) and return the
    referrers' addresses; ConfigError for a reference to nothing deployed, to itself, or one
    that closes a dependency cycle."""
    added = False
    referring: list[str] = []
    for resource in resources.values():
        if not has_refs(resource.attributes):
            continue
        referring.append(resource.address)
        referenced = set()
        for ref in iter_refs(resource.attributes, strict=True):
            ref["$ref"] = _target(ref["$ref"], resource, resources)
            if ref["$ref"] == resource.address:
                raise ConfigError(
                    f"{resource.address} refers to its own {ref.get('attr')!r}: a resource "
                    "cannot use a value it produces",
                    pos=_position(ref, resource),
                )
            referenced.add(ref["$ref"])
        new = sorted(referenced - set(resource.depends_on))
        if new:
            resource.depends_on = sorted({*resource.depends_on, *new})
            added = True
    if added:
        _check_acyclic(resources)
    return sorted(referring)


def _position(ref: dict[str, Any], resource: Resource) -> SourcePos | None:
    """Where the reference is written (fnplan.config.after_apply keeps it), else the block."""
    return SourcePos.parse(getattr(ref, "pos", None) or resource.pos)


def _target(address: str, resource: Resource, resources: Mapping[str, Resource]) -> str:
    """The deployed address a reference means: the block's own, or its copy on the referring
    resource's target when a block is deployed to several (`function.x[aws]`)."""
    if address in resources:
        return address
    copies = [a for a in resources if a.startswith(f"{address}[")]
    same = [a for a in copies if resources[a].provider == resource.provider]
    if len(same) == 1:
        return same[0]
    raise ConfigError(
        f"{resource.address} refers to {address}, which is not deployed as one resource",
        pos=SourcePos.parse(resource.pos),
        allowed=copies or None,
    )


def _check_acyclic(resources: Mapping[str, Resource]) -> None:
    from fnplan.graph import dependency_graph, shortest_cycle

    cycle = shortest_cycle(dependency_graph(resources))
    if cycle is None:
        return
    # edges run dependency -> dependent: blame a dependent whose reference closes the cycle
    pairs = list(pairwise(cycle))
    referrer, ref = next(
        (v, r)
        for u, v in pairs
        for r in iter_refs(resources[v].attributes, strict=True)
        if r["$ref"] == u
    )
    chain = " → ".join(reversed(cycle))
    raise ConfigError(
        f"{referrer} refers to {ref['$ref']}.{ref.get('attr')}, and {ref['$ref']} depends on "
        f"{referrer}: a dependency cycle ({chain})",
        pos=_position(ref, resources[referrer]),
        hint="a resource can only use outputs of resources that do not depend on it",
    )
