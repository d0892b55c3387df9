"""A plan's block groups by target: when the changes go to several providers (a workflow with
several `targets`, or blocks on different providers), each provider's groups are shown
together under a `## on PROVIDER` heading."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fnplan.plan.model import ResourceChange


def by_target(
    groups: Mapping[str, Sequence[ResourceChange]],
) -> list[tuple[str | None, list[str]]]:
    """(provider, its group names sorted) in provider order; one (None, all groups) entry
    when every change goes to the same provider, which then needs no heading."""
    provider = {group: changes[0].provider for group, changes in groups.items() if changes}
    targets = sorted(set(provider.values()))
    if len(targets) < 2:
        return [(None, sorted(groups))]
    return [(target, sorted(g for g in groups if provider[g] == target)) for target in targets]
