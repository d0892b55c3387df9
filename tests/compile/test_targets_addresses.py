"""Addresses with a target suffix: parsing, resolving a plain name, state edits."""

from __future__ import annotations

import pytest

from fnplan.addresses import (
    kind_of,
    label_of,
    parts,
    resolve,
    target_of,
    with_target,
    without_targets,
)
from fnplan.errors import FnplanError
from fnplan.state.model import ResourceState, State
from fnplan.state.ops import list_addresses, move, remove

COPY = "module.m.workflow.checkout[local.b].function.resize"


def test_parts_keep_a_target_with_its_block() -> None:
    assert parts(COPY) == ["module", "m", "workflow", "checkout[local.b]", "function", "resize"]
    assert parts("function.resize") == ["function", "resize"]
    assert with_target("workflow.checkout", "local.b") == "workflow.checkout[local.b]"
    assert target_of(COPY) == "local.b"
    assert target_of("function.resize") is None
    assert without_targets(COPY) == "module.m.workflow.checkout.function.resize"
    assert kind_of("function.resize[aws.west]") == "function"
    assert kind_of(COPY) == "function"
    assert label_of("workflow.checkout[local.b]") == "checkout"


def test_resolve_takes_the_only_copy_and_names_the_choices_of_several() -> None:
    known = ["workflow.audit", "workflow.checkout[local.a]", "workflow.checkout[local.b]"]
    assert resolve("workflow.audit", known, "workflow") == "workflow.audit"
    assert resolve("workflow.checkout[local.b]", known, "workflow") == known[2]
    assert resolve("workflow.one", ["workflow.one[local.a]"], "workflow") == "workflow.one[local.a]"
    with pytest.raises(FnplanError) as caught:
        resolve("workflow.checkout", known, "workflow")
    text = caught.value.render()
    assert "workflow.checkout is deployed to 2 targets" in text
    assert "workflow.checkout[local.a], workflow.checkout[local.b]" in text
    with pytest.raises(FnplanError, match="not deployed") as missing:
        resolve("workflow.audt", known, "workflow")
    assert "did you mean 'workflow.audit'" in missing.value.render()


def _state(*addresses: str) -> State:
    records = {
        a: ResourceState(address=a, type=kind_of(a) or "", provider=target_of(a) or "local")
        for a in addresses
    }
    return State(resources=records)


def test_state_edits_take_target_addresses_literally() -> None:
    flow = "workflow.checkout[local.a]"
    state = _state(flow, f"{flow}.function.resize", "workflow.checkout[local.b]")
    assert list_addresses(state, [flow]) == [flow, f"{flow}.function.resize"]
    assert list_addresses(state, ["workflow.checkout*"]) == sorted(state.resources)
    assert list(remove(state, [flow]).resources) == ["workflow.checkout[local.b]"]
    moved = move(state, flow, "workflow.pay[local.a]")
    assert sorted(moved.resources) == [
        "workflow.checkout[local.b]",
        "workflow.pay[local.a]",
        "workflow.pay[local.a].function.resize",
    ]
