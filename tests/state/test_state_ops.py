"""State edits: list with globs, show, rm and mv (children, dependencies and groups follow)."""

from __future__ import annotations

import pytest

from fnplan.errors import StateError
from fnplan.state.model import State
from fnplan.state.ops import list_addresses, move, remove, show_resource

from .conftest import resource


def _state() -> State:
    state = State()
    for address in (
        "workflow.a",
        "workflow.a.function.x",
        "workflow.ab",
        "function.resize",
        "module.vision.function.classify",
        "trigger.nightly",
    ):
        state.resources[address] = resource(address)
    state.resources["workflow.a.function.x"].group = "workflow.a"
    state.resources["trigger.nightly"].dependencies = ["workflow.a", "function.resize"]
    return state


def test_list_all_sorted_by_glob_and_by_parent() -> None:
    state = _state()
    assert list_addresses(state) == sorted(state.resources)
    assert list_addresses(state, ["function.*"]) == ["function.resize"]
    assert list_addresses(state, ["*.function.*"]) == [
        "module.vision.function.classify",
        "workflow.a.function.x",
    ]
    assert list_addresses(state, ["workflow.a"]) == ["workflow.a", "workflow.a.function.x"]
    assert list_addresses(state, ["module.vision", "trigger.*"]) == [
        "module.vision.function.classify",
        "trigger.nightly",
    ]
    assert list_addresses(state, ["queue.*"]) == []


def test_unknown_address_suggests_the_close_one() -> None:
    with pytest.raises(StateError, match=r"did you mean 'function\.resize'"):
        list_addresses(_state(), ["function.resise"])
    with pytest.raises(StateError, match=r"no resource 'function\.resise'"):
        show_resource(_state(), "function.resise")


def test_show_returns_the_recorded_resource() -> None:
    state = _state()
    assert show_resource(state, "trigger.nightly") is state.resources["trigger.nightly"]


def test_rm_removes_addresses_and_children_without_touching_the_input() -> None:
    state = _state()
    after = remove(state, ["workflow.a", "function.resize"])
    assert sorted(after.resources) == [
        "module.vision.function.classify",
        "trigger.nightly",
        "workflow.ab",
    ]
    assert len(state.resources) == 6
    assert after.lineage == state.lineage
    with pytest.raises(StateError, match="did you mean"):
        remove(state, ["workflow.abc"])


def test_mv_renames_children_dependencies_and_groups() -> None:
    state = _state()
    after = move(state, "workflow.a", "workflow.b")
    assert "workflow.a" not in after.resources and "workflow.a.function.x" not in after.resources
    child = after.resources["workflow.b.function.x"]
    assert child.address == "workflow.b.function.x" and child.group == "workflow.b"
    assert after.resources["workflow.b"].address == "workflow.b"
    assert after.resources["trigger.nightly"].dependencies == ["workflow.b", "function.resize"]
    assert after.resources["workflow.ab"] is state.resources["workflow.ab"]
    assert state.resources["trigger.nightly"].dependencies[0] == "workflow.a"


def test_mv_into_a_module_and_of_a_whole_module() -> None:
    state = _state()
    moved = move(state, "function.resize", "module.media.function.resize")
    assert moved.resources["module.media.function.resize"].type == "function"
    renamed = move(state, "module.vision", "module.sight")
    assert list(renamed.resources).count("module.sight.function.classify") == 1


def test_mv_refuses_clashes_type_changes_unknown_and_self() -> None:
    state = _state()
    with pytest.raises(StateError, match=r"'workflow\.ab' already exists"):
        move(state, "workflow.a", "workflow.ab")
    with pytest.raises(StateError, match="must name a function"):
        move(state, "function.resize", "workflow.resize")
    with pytest.raises(StateError, match="did you mean"):
        move(state, "function.resiz", "function.other")
    with pytest.raises(StateError, match="onto itself"):
        move(state, "workflow.a", "workflow.a")
