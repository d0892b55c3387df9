"""Hiding sensitive values in what fnplan prints for people (plan text, `show`, `state show`).

The texts come from marks (fnplan.expr.marks): every value computed from a sensitive one was
marked while the configuration was evaluated, and its text recorded in the plan's and the
state's `redact` list. A value equal to one of them is shown as "(sensitive value)"; so is a
run-time expression that has one written into it. Machine-readable files keep clear values.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from fnplan.expr.marks import HIDDEN

if TYPE_CHECKING:
    from fnplan.state.model import ResourceState, State


def hide(value: Any, secrets: Collection[str]) -> Any:
    """`value` with every sensitive leaf (and run-time expression holding one) hidden."""
    if not secrets:
        return value
    if isinstance(value, str):
        return HIDDEN if value in secrets else value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return HIDDEN if str(value) in secrets else value
    if isinstance(value, dict):
        source = value.get("$expr") if len(value) == 1 else None
        if isinstance(source, str):
            return HIDDEN if any(secret in source for secret in secrets if secret) else value
        return {key: hide(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [hide(item, secrets) for item in value]
    return value


def hidden_resource(resource: ResourceState, secrets: Collection[str]) -> ResourceState:
    """A recorded resource as `state show` prints it."""
    return resource.model_copy(
        update={
            "attributes": hide(resource.attributes, secrets),
            "outputs": hide(resource.outputs, secrets),
        }
    )


def hidden_state(state: State) -> State:
    """The state as `show` prints it: sensitive values, sensitive outputs and the list of
    sensitive texts itself hidden."""
    secrets = frozenset(state.redact)
    outputs = {
        name: out.model_copy(
            update={"value": HIDDEN if out.sensitive else hide(out.value, secrets)}
        )
        for name, out in state.outputs.items()
    }
    return state.model_copy(
        update={
            "resources": {
                address: hidden_resource(resource, secrets)
                for address, resource in state.resources.items()
            },
            "outputs": outputs,
            "redact": [HIDDEN] if state.redact else [],
        }
    )
