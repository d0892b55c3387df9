"""Root output values after apply: {"$ref"} placeholders filled from the recorded resource
outputs (a placeholder whose resource or attribute is missing becomes null)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fnplan.plan.refs import Lookup, fill_refs, state_lookup
from fnplan.state.model import OutputValue

if TYPE_CHECKING:
    from fnplan.plan.model import OutputChange
    from fnplan.state.model import State


def apply_output_changes(changes: Iterable[OutputChange], state: State) -> dict[str, OutputValue]:
    """The state's outputs after a plan's output changes, placeholders filled from `state`."""
    lookup = _null_if_missing(state)
    outputs = dict(state.outputs)
    for change in changes:
        if change.action == "delete":
            outputs.pop(change.name, None)
        elif change.action != "noop" or change.name not in outputs:
            value = fill_refs(change.after, lookup)[0]
            outputs[change.name] = OutputValue(value=value, sensitive=change.sensitive)
    return outputs


def _null_if_missing(state: State) -> Lookup:
    found = state_lookup(state.resources)

    def lookup(address: str, attr: str | None) -> tuple[bool, Any]:
        ok, value = found(address, attr)
        return True, value if ok else None

    return lookup
