"""Deposed objects in a plan: every old object a create-before-destroy replacement left
behind (its delete failed, or the apply was killed first) is planned for deletion."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING

from fnplan.plan.model import ResourceChange

if TYPE_CHECKING:
    from fnplan.state.model import State


def deposed_deletes(state: State, selected: AbstractSet[str] | None) -> list[ResourceChange]:
    """One `delete (deposed)` change per deposed object (of the selected addresses, if any)."""
    return [
        ResourceChange(
            address=record.address,
            type=record.type,
            provider=record.provider,
            group=record.group,
            action="delete",
            reasons=["deposed object of an earlier create-before-destroy replacement"],
            before=record.attributes,
            deposed=key,
        )
        for key, record in sorted(
            state.deposed.items(), key=lambda item: (item[1].address, item[0])
        )
        if selected is None or record.address in selected
    ]
