"""Saved plans: round trip, stale detection, damaged and newer files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fnplan.errors import PlanError
from fnplan.plan.planner import make_plan
from fnplan.plan.saved import check_plan_current, load_plan, save_plan
from tests.plan.helpers import desired, res, state_of

RUNTIME = res("runtime.python", language="python3.12", memory=256)


def test_round_trip_and_current_check(tmp_path: Path) -> None:
    state = state_of()
    plan = make_plan(desired(RUNTIME, outputs={"x": 1}), state)
    path = tmp_path / "out" / "plan.json"
    save_plan(plan, path)
    assert [p.name for p in path.parent.iterdir()] == ["plan.json"]  # no temp file left
    loaded = load_plan(path)
    assert loaded == plan
    assert json.loads(path.read_text())["format_version"] == 1
    check_plan_current(loaded, state)


def test_stale_plan_is_refused(tmp_path: Path) -> None:
    state = state_of()
    plan = make_plan(desired(RUNTIME), state)
    moved_on = state.model_copy(update={"serial": state.serial + 1})
    with pytest.raises(
        PlanError,
        match=r"saved plan is stale: the state changed since it was made \(serial 4, now 5\)",
    ):
        check_plan_current(plan, moved_on)
    other = state_of()
    with pytest.raises(PlanError, match="saved plan is stale: it was made for another state"):
        check_plan_current(plan, other)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a saved fnplan plan"),
        ("[1, 2]", "no format_version"),
        ('{"format_version": 99}', "plan format 99 is newer"),
        ('{"format_version": 1, "lineage": "x"}', "saved plan is damaged: serial"),
    ],
)
def test_bad_files_raise_plan_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "plan.json"
    path.write_text(content)
    with pytest.raises(PlanError, match=message):
        load_plan(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="no such saved plan file"):
        load_plan(tmp_path / "nope.json")
