"""Copying every workspace's state from one backend to another (`fnplan init --migrate-state`).

A copy keeps lineage and serial, so saved plans and journals still match it. A target that
already holds a state of another lineage, or a newer serial of the same one, is refused
before anything is written: two histories are never merged silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fnplan.errors import StateError

if TYPE_CHECKING:
    from fnplan.state.backend import Workspaces
    from fnplan.state.model import State


@dataclass(frozen=True)
class Migrated:
    """One workspace's outcome: copied, or already there."""

    workspace: str
    lineage: str
    serial: int
    copied: bool


def migrate_states(source: Workspaces, target: Workspaces) -> list[Migrated]:
    """Copy each saved state of `source` to the same workspace of `target`, holding both locks."""
    plans: list[tuple[str, State, bool]] = []
    for name in source.list():
        state = source.state(name).read()
        if state.serial == 0 and not state.resources:
            continue  # nothing was ever saved there
        plans.append((name, state, _needs_copy(source, target, name, state)))
    results = []
    for name, state, needed in plans:
        if needed:
            _copy(source, target, name)
        results.append(Migrated(name, state.lineage, state.serial, needed))
    return results


def _needs_copy(source: Workspaces, target: Workspaces, name: str, state: State) -> bool:
    """False when the target already has exactly this state; StateError when it has another."""
    if name not in target.list():
        return True
    current = target.state(name).read()
    if current.serial == 0 and not current.resources:
        return True
    if current.lineage != state.lineage:
        raise StateError(
            f"cannot migrate workspace {name!r}: the {target.description} backend already holds "
            f"a different state there (lineage {current.lineage}, the {source.description} "
            f"state has lineage {state.lineage})",
            hint="nothing was copied; delete or move that state first if it is not needed",
        )
    if current.serial > state.serial:
        raise StateError(
            f"cannot migrate workspace {name!r}: the {target.description} backend holds a newer "
            f"serial of the same state ({current.serial} > {state.serial})",
            hint="nothing was copied; the target is already ahead of the source",
        )
    return current.serial < state.serial


def _copy(source: Workspaces, target: Workspaces, name: str) -> None:
    """Copy under both locks; `write` saves as the next serial, so hand it serial - 1."""
    if name not in target.list():
        target.new(name)
    origin, destination = source.state(name), target.state(name)
    with origin.lock("migrate-state"), destination.lock("migrate-state"):
        state = origin.read()
        destination.write(state.model_copy(update={"serial": state.serial - 1}))
