"""The rollout block as providers read it (fnplan.rollouts), and the plan hook's notes, which
the plan shows among a change's reasons (how a provider shows a rollout's ordered steps)."""

from __future__ import annotations

import pytest

from fnplan.errors import FnplanError
from fnplan.plan.planner import make_plan
from fnplan.provider_schema import PlannedChange
from fnplan.rollouts import is_gradual, rollout_interval, traffic_steps
from fnplan.state.model import State
from tests.plan.helpers import desired, recorded, res
from tests.plan.memory import MemoryProvider


@pytest.mark.parametrize(
    ("rollout", "steps"),
    [
        ({"strategy": "canary", "steps": [50, 10, 100]}, [10, 50, 100]),
        ({"strategy": "linear", "steps": [25, 50, 75]}, [25, 50, 75, 100]),
        ({"strategy": "all_at_once", "steps": [10]}, [100]),
        ({"strategy": "canary", "steps": [100]}, [100]),
        (None, [100]),
    ],
)
def test_traffic_steps_end_with_all_of_it(rollout: dict[str, object], steps: list[int]) -> None:
    assert traffic_steps(rollout) == steps
    assert is_gradual(rollout) == (steps != [100])


@pytest.mark.parametrize(
    ("text", "seconds"), [("0s", 0.0), ("90", 90.0), ("1h30m", 5400.0), ("500ms", 0.5)]
)
def test_intervals(text: str, seconds: float) -> None:
    assert rollout_interval({"interval": text}) == seconds


def test_an_interval_that_is_no_duration_says_what_is() -> None:
    with pytest.raises(FnplanError, match="not a duration") as caught:
        rollout_interval({"interval": "5 minutes"})
    assert "10m" in (caught.value.hint or "")


class _Noting(MemoryProvider):
    def plan_change(self, change: PlannedChange) -> PlannedChange:
        change.notes.extend(["step 1: 10% of traffic", "step 2: all of it"])
        return change


def test_the_hook_notes_follow_the_reasons_in_order() -> None:
    before = res("function.f", name="f", memory=128)
    after = res("function.f", name="f", memory=256)
    prior = State(resources={"function.f": recorded(before, id="x")})
    plan = make_plan(desired(after), prior, providers={"memory": _Noting()})
    (change,) = plan.changes
    assert change.action == "update"
    assert change.reasons[-2:] == ["step 1: 10% of traffic", "step 2: all of it"]
