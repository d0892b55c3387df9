"""Moves, carried out before the apply walk: each record a `moved` block (or `fnplan state
mv`) renames is handed to its provider's `move`, so that an object stored under its address
follows it, and the record is renamed in the state and the journal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from fnplan.errors import FnplanError, ProviderError
from fnplan.state.ops import move, records_under

if TYPE_CHECKING:
    from fnplan.plan.model import Plan
    from fnplan.provider import Provider
    from fnplan.state.model import ResourceState, State


class MoveJournal(Protocol):
    """The journal records a move as the record at its new address, then the old one gone."""

    def done(self, address: str, result: ResourceState | None) -> None: ...


def carry_out_moves(
    plan: Plan, state: State, providers: Mapping[str, Provider], journal: MoveJournal
) -> State:
    """`state` with every move of `plan` done (a record already moved is skipped)."""
    moves = {c.moved_from: c.address for c in plan.changes if c.moved_from and not c.deposed}
    for source in sorted(moves, key=len):  # a moved workflow before its dedicated copies
        target = moves[source]
        if source in state.resources:
            state = move_records(state, source, target, providers, journal)
    return state


def move_records(
    state: State,
    source: str,
    target: str,
    providers: Mapping[str, Provider],
    journal: MoveJournal | None = None,
) -> State:
    """`state` with `source` (and its children) renamed to `target`, each object moved by
    its provider first; the outputs are those the provider reports at the new address."""
    records = records_under(state, source)
    moved = move(state, source, target)
    resources = dict(moved.resources)
    for prior in records:
        address = target + prior.address[len(source) :]
        outputs = _move_object(prior, address, providers)
        record = resources[address].model_copy(update={"outputs": outputs})
        resources[address] = record
        if journal is not None:
            journal.done(address, record)
            journal.done(prior.address, None)
    return moved.model_copy(update={"resources": resources})


def _move_object(
    prior: ResourceState, address: str, providers: Mapping[str, Provider]
) -> dict[str, object]:
    provider = providers.get(prior.provider)
    if provider is None:
        raise ProviderError(
            f"cannot move {prior.address}: no provider {prior.provider!r} is configured",
            allowed=providers,
        )
    try:
        return dict(provider.move(prior, address))
    except FnplanError:
        raise
    except Exception as error:  # a provider bug is reported against the move, not a crash
        raise ProviderError(
            f"{prior.address}: moving to {address} failed: {type(error).__name__}: {error}"
        ) from error
