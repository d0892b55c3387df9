"""`moved` blocks in a plan: the recorded object at the old address is planned at its new
address (nothing destroyed, nothing created), and the change there says where it came from.
A move whose old address has no record is done already (moved blocks stay in the
configuration) and is skipped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from fnplan.errors import PlanError, SourcePos
from fnplan.state.ops import move, records_under

if TYPE_CHECKING:
    from fnplan.compile.model import Desired
    from fnplan.plan.model import AttrChange, ResourceChange
    from fnplan.state.model import State


def plan_moves(
    desired: Desired, state: State, drift: Mapping[str, list[AttrChange]]
) -> tuple[State, dict[str, list[AttrChange]], dict[str, str]]:
    """The state and drift as if every pending move were done, and new address -> old
    address of each moved record (children of a moved workflow included)."""
    moved: dict[str, str] = {}
    renamed_drift = dict(drift)
    for spec in desired.moved:
        records = records_under(state, spec.source)
        if not records:
            continue
        clash = state.resources.get(spec.target)
        if clash is not None:
            raise PlanError(
                f"moved block: cannot move {spec.source} to {spec.target}: {spec.target} "
                "already exists in the state",
                pos=SourcePos.parse(spec.pos),
                hint=f"remove one of them first (fnplan state rm {spec.target}), or remove "
                "the moved block to keep both",
            )
        state = move(state, spec.source, spec.target)
        for record in records:
            new = spec.target + record.address[len(spec.source) :]
            moved[new] = record.address
            if record.address in renamed_drift:
                renamed_drift[new] = renamed_drift.pop(record.address)
    return state, renamed_drift, moved


def mark_moved(changes: list[ResourceChange], moved: Mapping[str, str]) -> None:
    """Each change at a moved address names the address it moves from."""
    for change in changes:
        if change.address in moved and change.deposed is None:
            change.moved_from = moved[change.address]
