"""Root outputs that read a provider's stable outputs stay known when the resource is updated
in place, and only then (Provider.stable_outputs)."""

from __future__ import annotations

from fnplan.plan.model import OutputChange
from fnplan.plan.planner import StableOutputs, make_plan
from fnplan.resources import Resource
from fnplan.state.model import OutputValue
from tests.plan.helpers import desired, recorded, res, state_of

FUNCTION = res("function.resize", name="resize", memory=256)
UPDATED = res("function.resize", name="resize", memory=512)
RENAMED = res("function.resize", name="shrink", memory=256)
TRIGGERS = {"memory": {"function": frozenset({"name"})}}
STABLE = {"memory": {"function": frozenset({"endpoint"})}}
OUTPUTS = {
    "url": {"$ref": "function.resize", "attr": "endpoint"},
    "id": {"$ref": "function.resize", "attr": "id"},
    "all": {"$ref": "function.resize"},
}


def _outputs(want: Resource, stable: StableOutputs = STABLE) -> dict[str, OutputChange]:
    """The output changes of a plan from an applied FUNCTION (with its outputs) to `want`."""
    state = state_of()
    state.resources["function.resize"] = recorded(FUNCTION, endpoint="mem://resize", id="obj-1")
    state.outputs = {"url": OutputValue(value="mem://resize"), "id": OutputValue(value="obj-1")}
    plan = make_plan(
        desired(want, outputs=OUTPUTS), state, replace_triggers=TRIGGERS, stable_outputs=stable
    )
    return {output.name: output for output in plan.outputs}


def test_update_in_place_keeps_a_stable_output_known() -> None:
    outputs = _outputs(UPDATED)
    assert outputs["url"].action == "noop" and outputs["url"].after == "mem://resize"
    assert not outputs["url"].known_after_apply


def test_update_leaves_other_outputs_known_after_apply() -> None:
    outputs = _outputs(UPDATED)
    assert outputs["id"].known_after_apply and outputs["id"].action == "update"
    assert outputs["all"].known_after_apply


def test_replacement_makes_every_output_known_after_apply() -> None:
    outputs = _outputs(RENAMED)
    assert outputs["url"].known_after_apply and outputs["url"].action == "update"


def test_a_provider_without_stable_outputs_keeps_todays_plan() -> None:
    outputs = _outputs(UPDATED, stable={})
    assert outputs["url"].known_after_apply
