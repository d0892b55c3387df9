"""Builders shared by the plan and apply tests: desired resources, states, a no-op journal."""

from __future__ import annotations

from typing import Any

from fnplan.compile.model import Desired, OutputSpec
from fnplan.plan.refs import has_refs
from fnplan.resources import Resource
from fnplan.state.model import ResourceState, State


def res(
    address: str, depends_on: tuple[str, ...] = (), group: str = "", **attributes: Any
) -> Resource:
    """A desired resource of the type named by the address's first segment."""
    kind = address.split(".")[-2] if address.count(".") >= 3 else address.split(".")[0]
    return Resource(
        address=address,
        type=kind,  # type: ignore[arg-type]
        provider="memory",
        attributes=attributes,
        depends_on=list(depends_on),
        group=group or address,
    )


def desired(*resources: Resource, outputs: dict[str, Any] | None = None) -> Desired:
    """What compile would produce for `resources` (which may refer to each other's outputs)."""
    return Desired(
        resources={r.address: r for r in resources},
        outputs={name: OutputSpec(name=name, value=v) for name, v in (outputs or {}).items()},
        config_hash="sha256:test",
        referring=sorted(r.address for r in resources if has_refs(r.attributes)),
    )


def recorded(resource: Resource, **outputs: Any) -> ResourceState:
    """The state record an apply of `resource` would leave."""
    return ResourceState(
        address=resource.address,
        type=resource.type,
        provider=resource.provider,
        attributes=dict(resource.attributes),
        outputs=outputs,
        dependencies=list(resource.depends_on),
        group=resource.group,
    )


def state_of(*resources: Resource) -> State:
    return State(resources={r.address: recorded(r) for r in resources}, serial=4)


class ListJournal:
    """Records journal calls in memory (for tests that do not need a backend)."""

    def __init__(self) -> None:
        self.records: list[tuple[str, str, Any]] = []

    def intend(self, address: str, action: str, resource: ResourceState | None) -> None:
        self.records.append(("intend", address, action))

    def done(self, address: str, result: ResourceState | None) -> None:
        self.records.append(("done", address, result))

    def failed(self, address: str, error: str) -> None:
        self.records.append(("failed", address, error))
