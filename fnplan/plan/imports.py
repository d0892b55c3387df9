"""Adopting existing objects: `fnplan import ADDRESS ID` and `import { to, id }` blocks.

A provider's `import_object` reads the object with that ID without changing anything; the
state then records it under the address as observed, so the next plan shows whatever
differs from the configuration as an ordinary update. Import blocks are planned like that
in one go: the plan shows "will be imported" (plus the update, if any) and apply records
the object before the walk updates it; once the address is in the state, a block is a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from fnplan.errors import FnplanError, PlanError, ProviderError, SourcePos, did_you_mean
from fnplan.state.model import ResourceState

if TYPE_CHECKING:
    from fnplan.apply.walk import JournalWriter
    from fnplan.compile.model import Desired
    from fnplan.plan.model import Plan
    from fnplan.provider import Provider
    from fnplan.resources import Resource
    from fnplan.state.model import State


def imported_record(provider: Provider, resource: Resource, id: str) -> ResourceState:
    """The record of the existing object `id` adopted as `resource`'s address."""
    try:
        observation = provider.import_object(resource.type, resource.address, id)
    except FnplanError as error:
        raise ProviderError(
            f"cannot import {id!r} as {resource.address}: "
            f"{error.message.removeprefix(resource.address + ': ')}",
            hint=error.hint,
            notes=error.notes,
        ) from None
    if not observation.exists:
        raise ProviderError(
            f"cannot import {id!r} as {resource.address}: provider {resource.provider} "
            f"found no {resource.type} with that ID"
        )
    return ResourceState(
        address=resource.address,
        type=resource.type,
        provider=resource.provider,
        attributes=dict(observation.attributes),
        outputs=dict(observation.outputs),
        dependencies=list(resource.depends_on),
        group=resource.group,
    )


def check_importable(desired: Desired, state: State, address: str) -> Resource:
    """The configured resource at `address`, which the state must not record yet."""
    resource = desired.resources.get(address)
    if resource is None:
        raise PlanError(
            f"cannot import to {address}: no such resource in the configuration",
            hint=did_you_mean(address, desired.resources)
            or "declare its block first; import adopts an object for a configured address",
        )
    if address in state.resources:
        raise PlanError(
            f"cannot import to {address}: it is already in the state",
            hint=f"to adopt another object there, first `fnplan state rm {address}`",
        )
    return resource


def pending_imports(desired: Desired, state: State) -> dict[str, str]:
    """address -> ID of every import block whose address the state does not record yet."""
    return {
        address: spec.id
        for address, spec in desired.imports.items()
        if address not in state.resources
    }


def plan_imports(desired: Desired, state: State, providers: Mapping[str, Provider]) -> State:
    """`state` with the objects of pending import blocks recorded as observed now, for the
    planner to diff (the backend's state is not changed)."""
    pending = pending_imports(desired, state)
    if not pending:
        return state
    resources = dict(state.resources)
    for address, id in sorted(pending.items()):
        resource = desired.resources[address]
        try:
            resources[address] = imported_record(providers[resource.provider], resource, id)
        except FnplanError as error:
            error.pos = error.pos or SourcePos.parse(desired.imports[address].pos)
            raise
    return state.model_copy(update={"resources": resources})


def mark_imports(plan: Plan, imported: Mapping[str, str]) -> None:
    """Say in the plan which changes import (`importing` = the ID, a reason, the count)."""
    for change in plan.changes:
        id = imported.get(change.address)
        if id is not None:
            change.importing = id
            change.reasons.insert(0, f"imported from {id!r}")
            plan.summary.imported += 1


def apply_imports(
    plan: Plan, state: State, providers: Mapping[str, Provider], journal: JournalWriter
) -> State:
    """Record every object the plan imports (read again now) before the walk changes it; the
    journal keeps them should the apply be interrupted."""
    importing = [c for c in plan.changes if c.importing is not None and c.resource is not None]
    if not importing:
        return state
    resources = dict(state.resources)
    for change in importing:
        assert change.resource is not None and change.importing is not None
        if change.address in resources:
            continue
        provider = providers[change.resource.provider]
        record = imported_record(provider, change.resource, change.importing)
        journal.intend(change.address, "create", record)
        journal.done(change.address, record)
        resources[change.address] = record
    return state.model_copy(update={"resources": resources})
