"""refresh: drift found through a real (in-memory) provider, pending records settled, errors."""

from __future__ import annotations

import pytest

from fnplan.apply.walk import apply_plan
from fnplan.errors import ProviderError
from fnplan.plan.planner import make_plan
from fnplan.plan.refresh import DELETED_PATH, refresh
from fnplan.state.model import State
from tests.plan.helpers import ListJournal, desired, recorded, res
from tests.plan.memory import MemoryProvider

RUNTIME = res("runtime.python", language="python3.12", memory=256, env={"A": "1"})
FUNCTION = res("function.resize", ("runtime.python",), name="resize", memory=128)


def _deployed() -> tuple[MemoryProvider, State]:
    provider = MemoryProvider()
    want = desired(RUNTIME, FUNCTION)
    result = apply_plan(make_plan(want, State()), State(), {"memory": provider}, ListJournal())
    assert result.ok
    return provider, result.state


def test_drift_is_reported_and_the_plan_brings_it_back() -> None:
    provider, state = _deployed()
    provider.mutate("runtime.python", memory=1024, env={"A": "2"})
    seen: list[str] = []
    refreshed, drift = refresh(state, {"memory": provider}, on_progress=seen.append)
    assert sorted(seen) == ["function.resize", "runtime.python"]
    assert {c.path: (c.before, c.after) for c in drift["runtime.python"]} == {
        "env.A": ("1", "2"),
        "memory": (256, 1024),
    }
    assert "function.resize" not in drift
    assert refreshed.resources["runtime.python"].attributes["memory"] == 1024
    plan = make_plan(desired(RUNTIME, FUNCTION), refreshed, drift=drift)
    (change,) = [c for c in plan.changes if c.action != "noop"]
    assert change.address == "runtime.python" and change.action == "update"
    assert change.reasons[0] == "changed outside fnplan: env, memory"
    assert change.drift == drift["runtime.python"]


def test_object_deleted_outside_is_removed_and_planned_again() -> None:
    provider, state = _deployed()
    provider.remove("function.resize")
    refreshed, drift = refresh(state, {"memory": provider})
    assert "function.resize" not in refreshed.resources
    assert drift["function.resize"][0].path == DELETED_PATH
    plan = make_plan(desired(RUNTIME, FUNCTION), refreshed, drift=drift)
    change = {c.address: c for c in plan.changes}["function.resize"]
    assert change.action == "create" and change.reasons == ["deleted outside fnplan"]


def test_pending_records_are_settled() -> None:
    provider, state = _deployed()
    exists = state.resources["function.resize"].model_copy(update={"pending": "create"})
    ghost = recorded(res("event.ghost", type="x"), id="obj-999").model_copy(
        update={"pending": "create"}
    )
    state = state.model_copy(
        update={"resources": {**state.resources, "function.resize": exists, "event.ghost": ghost}}
    )
    refreshed, drift = refresh(state, {"memory": provider})
    assert refreshed.resources["function.resize"].pending is None
    assert "event.ghost" not in refreshed.resources
    assert drift == {}


def test_provider_errors_name_the_address() -> None:
    provider, state = _deployed()
    provider.fail_on.add(("observe", "function.resize"))
    with pytest.raises(ProviderError, match=r"function\.resize: simulated observe failure"):
        refresh(state, {"memory": provider})
    with pytest.raises(ProviderError, match="no provider 'memory'") as error:
        refresh(state, {})
    assert error.value.allowed == []
