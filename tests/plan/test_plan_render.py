"""Rendering: grouped blocks, reasons, diffs, drift, outputs, summary line; plan JSON schema."""

from __future__ import annotations

import json

from rich.console import Console

from fnplan.plan.model import AttrChange, Plan
from fnplan.plan.planner import make_plan
from fnplan.plan.render import plan_json, render_plan
from fnplan.state.model import OutputValue
from tests.plan.helpers import desired, res, state_of
from tests.plan.memory import MemoryProvider

RUNTIME = res("runtime.python", language="python3.12", memory=256)
COPY = res(
    "workflow.thumbnail.function.resize",
    ("runtime.python",),
    group="workflow.thumbnail",
    name="resize",
    memory=256,
    timeout=30,
    schema={"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(30)}},
)
FLOW = res(
    "workflow.thumbnail",
    ("workflow.thumbnail.function.resize",),
    name="thumbnail",
    isolation="shared",
)


def _render(plan: Plan, **kwargs: object) -> str:
    console = Console(record=True, width=120)
    render_plan(plan, console, **kwargs)  # type: ignore[arg-type]
    return console.export_text()


def test_grouped_blocks_reasons_diffs_and_summary() -> None:
    bigger = COPY.model_copy(update={"attributes": {**COPY.attributes, "memory": 512}})
    new_flow = FLOW.model_copy(update={"attributes": {**FLOW.attributes, "isolation": "dedicated"}})
    event = res("event.uploaded", type="com.example.uploaded")
    state = state_of(RUNTIME, COPY, FLOW)
    state.outputs["old"] = OutputValue(value=1)
    plan = make_plan(desired(RUNTIME, bigger, new_flow, event, outputs={"answer": 42}), state)
    text = _render(plan)
    assert "# workflow.thumbnail\n" in text
    assert "  ~ workflow.thumbnail.function.resize will be updated in place" in text
    assert "# configuration changed: memory" in text
    assert "~ memory: 256 → 512" in text
    assert "(3 unchanged attributes hidden)" in text
    assert "# isolation shared→dedicated" in text
    assert "# event.uploaded\n    + event.uploaded will be created" in text
    assert '+ type = "com.example.uploaded"' in text
    assert "+ answer = 42" in text and "- old" in text
    assert "runtime.python" not in text  # unchanged resources are not shown
    assert text.rstrip().endswith("Plan: 1 to add, 2 to change, 0 to destroy.")
    # workflow.thumbnail's group lists the workflow and its copy together, once
    assert text.count("# workflow.thumbnail\n") == 1


def test_long_values_are_pretty_and_abbreviated() -> None:
    plan = make_plan(desired(COPY), state_of())
    text = _render(plan)
    assert "+ schema =" in text
    assert "more lines)" in text


def test_no_changes_sentence_and_drift_section() -> None:
    plan = make_plan(desired(RUNTIME), state_of(RUNTIME))
    text = _render(plan, drift={"runtime.python": [AttrChange(path="memory", before=1, after=2)]})
    assert "Changed outside fnplan" in text
    assert "~ runtime.python has changed" in text and "~ memory: 1 → 2" in text
    assert text.rstrip().endswith("No changes. Your infrastructure matches the configuration.")


def test_replacement_shows_symbol_and_forcing_attribute() -> None:
    changed = res("runtime.python", language="python3.13", memory=256)
    user = res("function.f", ("runtime.python",), name="f")
    plan = make_plan(
        desired(changed, user),
        state_of(RUNTIME, user),
        providers={"memory": MemoryProvider()},
    )
    text = _render(plan)
    assert "+/- runtime.python must be replaced (the new one is created first)" in text
    assert "# language forces replacement" in text
    assert "Plan: 1 to add, 0 to change, 1 to destroy." in text


def test_plan_json_validates_against_the_model_schema() -> None:
    import jsonschema

    changed = res("runtime.python", language="python3.13", memory=256)
    plan = make_plan(
        desired(changed, COPY, outputs={"x": {"$ref": "runtime.python"}}), state_of(RUNTIME)
    )
    document = json.loads(plan_json(plan))
    jsonschema.validate(document, Plan.model_json_schema())
    assert Plan.model_validate(document) == plan


def test_updated_outputs_show_their_recorded_value_before_the_new_one() -> None:
    state = state_of(RUNTIME)
    state.outputs["env"] = OutputValue(value="dev")
    state.outputs["endpoint"] = OutputValue(value="local://workflow/workflow.thumbnail")
    changed = res("runtime.python", language="python3.13", memory=256)
    outputs = {"env": "prod", "endpoint": {"$ref": "runtime.python", "attr": "id"}}
    text = _render(make_plan(desired(changed, outputs=outputs), state))
    assert '~ env = "dev" → "prod"' in text
    assert '~ endpoint = "local://workflow/workflow.thumbnail" → (known after apply)' in text
