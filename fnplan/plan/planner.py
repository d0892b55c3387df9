"""The planner: desired resources + (refreshed) state -> Plan, with an action and reasons per
address. Compares dicts with == first so a no-op plan at 10,000 resources stays fast."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from typing import TYPE_CHECKING, Any

from fnplan.errors import PlanError, did_you_mean
from fnplan.plan.deposed import deposed_deletes
from fnplan.plan.diff import attr_changes, changed_top_level
from fnplan.plan.hook import refine
from fnplan.plan.lifecycle import apply_lifecycle, with_ignored_changes, without_ignored_drift
from fnplan.plan.model import Action, AttrChange, OutputChange, Plan, PlanSummary, ResourceChange
from fnplan.plan.moves import mark_moved, plan_moves
from fnplan.plan.reasons import update_reasons
from fnplan.plan.refresh import DELETED_PATH
from fnplan.plan.refs import Lookup, fill_refs, iter_refs
from fnplan.plan.unknowns import ProviderSchemas, Settler, mark_unknown, masked

if TYPE_CHECKING:
    from fnplan.compile.model import Desired
    from fnplan.provider import Provider
    from fnplan.provider_schema import ResourceSchema
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState, State


def make_plan(
    desired: Desired,
    state: State,
    *,
    drift: Mapping[str, list[AttrChange]] = {},
    providers: Mapping[str, Provider] = {},
    destroy: bool = False,
    targets: Sequence[str] = (),
    replace: Sequence[str] = (),
) -> Plan:
    """The plan that takes `state` to `desired` (or to nothing when `destroy`), limited to
    `targets` and their dependencies when given; `replace` forces replacement of addresses.
    `providers` (by address) give their resource schemas (replace paths, outputs an update
    keeps) and their plan hook; values they leave settled fill references (unknowns.py)."""
    state, drift, moved = plan_moves(desired, state, drift)
    desired = with_ignored_changes(desired, state)
    drift = without_ignored_drift(drift, desired)
    known = desired.resources.keys() | state.resources.keys()
    _check_known("--replace", replace, known)
    selected = _select(desired, state, targets, destroy) if targets else None
    settler = Settler(state, _schemas(providers))
    if destroy:
        changes = [
            _delete(record, "destroy requested", drift.get(address, []))
            for address, record in sorted(state.resources.items())
            if selected is None or address in selected
        ]
        for change in changes:
            settler.decided(change)
    else:
        decisions = _Decisions(desired, state, drift, providers, settler, set(replace))
        changes = [
            decisions.decide(address) for address in sorted(known if selected is None else selected)
        ]
    _mark_create_before_destroy(changes, desired, state)
    changes += deposed_deletes(state, selected)
    apply_lifecycle(changes, desired, state, providers)
    mark_moved(changes, moved)
    changes = _deletes_first(changes)
    # a targeted destroy removes only its targets: outputs stay, re-read where they refer to them
    outputs = _output_changes(desired, state, settler.lookup, destroy and not targets, selected)
    return Plan(
        lineage=state.lineage,
        serial=state.serial,
        destroy=destroy,
        targets=list(targets),
        replace=list(replace),
        config_hash=desired.config_hash,
        changes=changes,
        outputs=outputs,
        summary=_summary(changes),
    )


def _check_known(option: str, addresses: Iterable[str], known: AbstractSet[str]) -> None:
    for address in addresses:
        if address not in known:
            raise PlanError(
                f"{option} {address}: no such resource in the configuration or the state",
                hint=did_you_mean(address, known),
            )


def _select(desired: Desired, state: State, targets: Sequence[str], destroy: bool) -> set[str]:
    """The targeted addresses (a group matches its members), plus their dependencies, or for
    destroy their dependents."""
    known = desired.resources.keys() | state.resources.keys()
    matched: set[str] = set()
    for target in targets:
        found = {a for a in known if _matches(a, target, desired, state)}
        if not found:
            raise PlanError(
                f"--target {target}: no such resource in the configuration or the state",
                hint=did_you_mean(target, known),
            )
        matched |= found
    if destroy:
        return _with_recorded_dependents(state, matched)
    from fnplan.graph import dependency_graph, with_dependencies

    graph = dependency_graph(desired.resources)
    return matched | with_dependencies(graph, matched)


def _matches(address: str, target: str, desired: Desired, state: State) -> bool:
    # a block deployed to several targets: its copies "workflow.w[aws]" (fnplan.addresses)
    if address == target or address.startswith((target + ".", target + "[")):
        return True
    item: Resource | ResourceState | None = desired.resources.get(address) or state.resources.get(
        address
    )
    return item is not None and item.group == target


def _with_recorded_dependents(state: State, addresses: set[str]) -> set[str]:
    dependents: dict[str, list[str]] = {}
    for address, record in state.resources.items():
        for dependency in record.dependencies:
            dependents.setdefault(dependency, []).append(address)
    found, queue = set(addresses), list(addresses)
    while queue:
        for dependent in dependents.get(queue.pop(), ()):
            if dependent not in found:
                found.add(dependent)
                queue.append(dependent)
    return found


class _Decisions:
    """Decides each address's change once, a resource's dependencies first when it holds
    references to fill (the settled values depend on what happens to the referenced ones)."""

    def __init__(
        self,
        desired: Desired,
        state: State,
        drift: Mapping[str, list[AttrChange]],
        providers: Mapping[str, Provider],
        settler: Settler,
        replace: set[str],
    ) -> None:
        self.desired, self.state, self.drift = desired, state, drift
        self.providers, self.settler, self.replace = providers, settler, replace
        self.schemas = _schemas(providers)
        self.referring = frozenset(desired.referring)
        self.done: dict[str, ResourceChange] = {}
        self.pending: set[str] = set()

    def decide(self, address: str) -> ResourceChange:
        """The change of `address`, deciding the resources it refers to first."""
        if address in self.done:
            return self.done[address]
        self.pending.add(address)
        resource = self.desired.resources.get(address)
        record = self.state.resources.get(address)
        drift = self.drift.get(address, [])
        if resource is not None and address not in self.replace and _same(resource, record):
            change = _change(resource, "noop", drift)  # the common case, compared once
        else:
            if resource is not None and self.settler.needs(resource, self.referring):
                for dependency in resource.depends_on:
                    if dependency in self.desired.resources and dependency not in self.pending:
                        self.decide(dependency)
                resource = self.settler.settle(resource)
            schema = (
                self.schemas.get(resource.provider, {}).get(resource.type) if resource else None
            )
            change = _change_for(resource, record, drift, schema, address in self.replace)
        predicted: dict[str, Any] = {}
        if change.action != "noop":
            change, predicted = refine(change, record, self.providers.get(change.provider))
        self.settler.decided(change, predicted)
        self.done[address] = change
        return change


def _schemas(providers: Mapping[str, Provider]) -> ProviderSchemas:
    """The resource schemas of each provider (none for a provider that declares none)."""
    return {address: getattr(p, "resource_schemas", {}) for address, p in providers.items()}


def _same(resource: Resource, record: ResourceState | None) -> bool:
    return (
        record is not None
        and record.attributes == resource.attributes
        and record.provider == resource.provider
        and record.type == resource.type
    )


def _change_for(
    resource: Resource | None,
    record: ResourceState | None,
    drift: list[AttrChange],
    schema: ResourceSchema | None,
    replace_requested: bool,
) -> ResourceChange:
    """The change of one address: from what is recorded (if anything) to what is desired."""
    if resource is None:
        assert record is not None
        return _delete(record, "not in configuration", drift)
    if record is None:
        gone = any(change.path == DELETED_PATH for change in drift)
        reason = "deleted outside fnplan" if gone else "new in configuration"
        return _change(resource, "create", drift, reasons=[reason])
    if _same(resource, record) and not replace_requested:
        return _change(resource, "noop", drift)
    return _modify(resource, record, drift, schema, replace_requested)


def _modify(
    resource: Resource,
    record: ResourceState,
    drift: list[AttrChange],
    schema: ResourceSchema | None,
    replace_requested: bool,
) -> ResourceChange:
    """An update or replacement of an existing object, with its diff and reasons."""
    changed = changed_top_level(record.attributes, resource.attributes)
    reasons = _drift_reasons(drift, changed)
    reasons += update_reasons(resource.type, record.attributes, resource.attributes, changed)
    changes = mark_unknown(attr_changes(record.attributes, masked(resource.attributes)))
    if schema is not None:
        changes = [
            change.model_copy(update={"forces_replacement": True})
            if schema.forces_replacement(change.path)
            else change
            for change in changes
        ]
    forced = [change.path for change in changes if change.forces_replacement]
    if forced:
        reasons.append(f"forces replacement: {', '.join(forced)}")
    if record.provider != resource.provider:
        reasons.append(f"moves from provider {record.provider} to {resource.provider}")
    if record.type != resource.type:
        reasons.append(f"type changes from {record.type} to {resource.type}")
    if replace_requested:
        reasons.append("--replace requested")
    replaced = (
        bool(forced)
        or replace_requested
        or record.provider != resource.provider
        or record.type != resource.type
    )
    return _change(
        resource,
        "replace" if replaced else "update",
        drift,
        reasons=reasons,
        changes=changes,
        before=record.attributes,
    )


def _change(
    resource: Resource, action: Action, drift: list[AttrChange], **details: Any
) -> ResourceChange:
    """A change towards the desired `resource` (every action but delete), named by its identity."""
    return ResourceChange(
        address=resource.address,
        type=resource.type,
        provider=resource.provider,
        group=resource.group,
        action=action,
        drift=drift,
        resource=resource,
        **details,
    )


def _drift_reasons(drift: list[AttrChange], changed: list[str]) -> list[str]:
    drifted = {re.split(r"[.\[]", change.path, maxsplit=1)[0] for change in drift}
    back = [name for name in changed if name in drifted]
    return [f"changed outside fnplan: {', '.join(back)}"] if back else []


def _delete(record: ResourceState, reason: str, drift: list[AttrChange]) -> ResourceChange:
    return ResourceChange(
        address=record.address,
        type=record.type,
        provider=record.provider,
        group=record.group,
        action="delete",
        reasons=[reason],
        drift=drift,
        before=record.attributes,
    )


def _mark_create_before_destroy(
    changes: list[ResourceChange], desired: Desired, state: State
) -> None:
    """A replaced object that something else depends on is created before the old one goes."""
    replaced = [change for change in changes if change.action == "replace"]
    if not replaced:
        return
    depended: set[str] = set()
    for resource in desired.resources.values():
        depended.update(d for d in resource.depends_on if d != resource.address)
    for record in state.resources.values():
        depended.update(d for d in record.dependencies if d != record.address)
    for change in replaced:
        change.create_before_destroy = change.address in depended


def _output_changes(
    desired: Desired,
    state: State,
    lookup: Lookup,
    destroy: bool,
    selected: set[str] | None,
) -> list[OutputChange]:
    """Root output changes; a placeholder resolves only from what apply leaves unchanged.

    A targeted plan (`selected`) touches only the outputs that refer to targeted resources
    and nothing else, as Terraform's -target does."""
    result: list[OutputChange] = []
    specs = {} if destroy else desired.outputs
    if selected is not None:
        specs = {name: spec for name, spec in specs.items() if _within(spec.value, selected)}
    for name, spec in sorted(specs.items()):
        prior = state.outputs.get(name)
        value, known = fill_refs(spec.value, lookup)
        action: Action
        if prior is None:
            action = "create"
        elif known and prior.value == value:
            action = "noop"
        else:
            action = "update"
        result.append(
            OutputChange(
                name=name,
                action=action,
                before=None if prior is None else prior.value,
                after=value,
                sensitive=spec.sensitive or (prior is not None and prior.sensitive),
                known_after_apply=not known,
            )
        )
    for name, prior in sorted(state.outputs.items()):
        if name not in specs and selected is None:
            result.append(
                OutputChange(
                    name=name, action="delete", before=prior.value, sensitive=prior.sensitive
                )
            )
    return result


def _within(value: Any, selected: set[str]) -> bool:
    """True when `value` refers to resources and all of them are in `selected`."""
    addresses = {str(ref["$ref"]) for ref in iter_refs(value)}
    return bool(addresses) and addresses <= selected


def _deletes_first(changes: list[ResourceChange]) -> list[ResourceChange]:
    """Deletes and replacements first, then the rest, each part keeping its address order."""
    first = [change for change in changes if change.action in ("delete", "replace")]
    if not first:
        return changes
    return first + [change for change in changes if change.action not in ("delete", "replace")]


def _summary(changes: list[ResourceChange]) -> PlanSummary:
    summary = PlanSummary()
    for change in changes:
        if change.action in ("create", "replace"):
            summary.add += 1
        if change.action in ("delete", "replace"):
            summary.destroy += 1
        if change.action == "update":
            summary.change += 1
    return summary
