"""Values a plan leaves settled: root outputs that read an output its provider keeps on an
in-place update (declared known at "create" in its ResourceSchema) stay known when the
resource is updated, and only then."""

from __future__ import annotations

from fnplan.plan.model import OutputChange
from fnplan.plan.planner import make_plan
from fnplan.resources import Resource
from fnplan.state.model import OutputValue
from tests.plan.helpers import desired, recorded, res, state_of
from tests.plan.memory import MemoryProvider

FUNCTION = res("function.resize", name="resize", memory=256)
UPDATED = res("function.resize", name="resize", memory=512)
RENAMED = res("function.resize", name="shrink", memory=256)
OUTPUTS = {
    "url": {"$ref": "function.resize", "attr": "endpoint"},
    "id": {"$ref": "function.resize", "attr": "serial"},
    "all": {"$ref": "function.resize"},
}


class _NothingKept(MemoryProvider):
    """Like MemoryProvider, but every output may change on any update."""

    resource_schemas = {
        kind: schema.__class__(
            attributes=schema.attributes,
            outputs=dict.fromkeys(schema.outputs, "apply"),
            replace_paths=schema.replace_paths,
        )
        for kind, schema in MemoryProvider.resource_schemas.items()
    }


def _outputs(want: Resource, provider: MemoryProvider | None = None) -> dict[str, OutputChange]:
    """The output changes of a plan from an applied FUNCTION (with its outputs) to `want`."""
    state = state_of()
    state.resources["function.resize"] = recorded(FUNCTION, endpoint="mem://resize", serial="1")
    state.outputs = {"url": OutputValue(value="mem://resize"), "id": OutputValue(value="1")}
    providers = {"memory": provider or MemoryProvider()}
    plan = make_plan(desired(want, outputs=OUTPUTS), state, providers=providers)
    return {output.name: output for output in plan.outputs}


def test_update_in_place_keeps_a_create_kind_output_known() -> None:
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


def test_outputs_declared_apply_kind_are_known_after_apply_on_update() -> None:
    outputs = _outputs(UPDATED, _NothingKept())
    assert outputs["url"].known_after_apply
