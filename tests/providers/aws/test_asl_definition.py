"""Step Functions definitions generated from workflow documents pass AWS's own linter
(statelint) and the JSONata parser, and keep fnplan's run-time rules in their structure."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from fnplan.providers.aws.asl import state_machine_definition
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnplan.workflow.model import WorkflowDocument
from tests.cli.conftest import run_fnplan
from tests.providers.aws.asl_lint import lint
from tests.providers.aws.asl_targets import FixedTargets

EXAMPLES = Path(__file__).parents[3] / "examples"


def test_the_quickstart_workflows_lint_clean(tmp_path: Path) -> None:
    project = tmp_path / "quickstart"
    shutil.copytree(EXAMPLES / "quickstart", project)
    plan = json.loads(run_fnplan("plan", "--json", cwd=project).stdout)
    documents = [
        WorkflowDocument.model_validate(change["resource"]["attributes"]["document"])
        for change in plan["changes"]
        if change["type"] == "workflow"
    ]
    assert len(documents) >= 3
    for document in documents:
        definition = state_machine_definition(document, FixedTargets())
        assert lint(definition) == [], document.address
        assert definition["QueryLanguage"] == "JSONata"


def _step(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "type": "function", **fields}


def _document(steps: list[dict[str, Any]], output: Any = None) -> WorkflowDocument:
    for step in steps:
        if step["type"] == "function":
            step.setdefault(
                "function", {"address": f"function.{step['name']}", "version": "ab" * 32}
            )
    return WorkflowDocument.model_validate(
        {"name": "w", "address": "workflow.w", "steps": steps, "output": output}
    )


def _states(definition: dict[str, Any]) -> dict[str, Any]:
    """Every state, nested branches included, by name."""
    found: dict[str, Any] = {}
    stack = [definition["States"]]
    while stack:
        states = stack.pop()
        for name, state in states.items():
            found[name] = state
            stack.extend(branch["States"] for branch in state.get("Branches", []))
    return found


def test_layers_follow_dependencies_and_catch_targets_wait_for_their_sources() -> None:
    document = _document(
        [
            _step("fetch"),
            _step(
                "resize",
                input={"path": {"$expr": "step.fetch.output.path"}},
                catch=[{"errors": ["any"], "next": "report"}],
            ),
            _step("report"),
            _step("audit"),
        ]
    )
    definition = state_machine_definition(document, FixedTargets())
    assert lint(definition) == []
    layers = {
        name: [branch["StartAt"] for branch in state["Branches"]]
        for name, state in definition["States"].items()
        if state["Type"] == "Parallel"
    }
    assert layers == {
        "Layer 1": ["Run fetch", "Run audit"],
        "Layer 2": ["Gate resize"],
        "Layer 3": ["Gate report"],
    }
    states = _states(definition)
    assert states["Gate resize"]["Choices"][0]["Condition"] == '{% $status.`fetch` = "succeeded" %}'
    assert states["Gate report"]["Choices"][0]["Condition"] == '{% ($caught.`resize` = "report") %}'
    run = states["Run resize"]
    assert run["Arguments"]["Payload"] == {
        "path": '{% ($status.`fetch` = "succeeded" ? $steps.`fetch`.`output`.`path` : null) %}'
    }
    assert run["Catch"] == [{"ErrorEquals": ["States.ALL"], "Next": "Caught 1 resize"}]


def test_expressions_jsonata_cannot_express_go_to_the_expression_function() -> None:
    document = _document(
        [
            _step(
                "count",
                input={"n": {"$expr": "length(input.items) + 1"}},
                when={"$expr": "input.enabled"},
            )
        ]
    )
    definition = state_machine_definition(document, FixedTargets())
    assert lint(definition) == []
    states = _states(definition)
    evaluate = states["Evaluate count"]
    assert evaluate["Arguments"]["FunctionName"].endswith("function:fnplan-expressions")
    assert evaluate["Arguments"]["Payload"]["values"]["input"] == {
        "n": {"$expr": "length(input.items) + 1"}
    }
    assert "Retry" not in evaluate  # like locally, only attempts are retried
    assert states["Run count"]["Arguments"]["Payload"] == "{% $evaluated.values.input %}"
    assert evaluate["Next"] == "When count"


def test_a_literal_that_looks_like_jsonata_stays_text() -> None:
    hostile = "{% $states.context.Execution.RoleArn %}"
    document = _document(
        [_step("a", input={"text": hostile, "n": {"$expr": "input.n + 1"}})], output=hostile
    )
    definition = state_machine_definition(document, FixedTargets())
    assert lint(definition) == []
    payload = _states(definition)["Evaluate a"]["Arguments"]["Payload"]["values"]["input"]
    assert payload["text"] == "{% " + json.dumps(hostile) + " %}"
    assert definition["States"]["Output"]["Output"] == "{% " + json.dumps(hostile) + " %}"


def test_retry_policies_map_to_retriers() -> None:
    retry = {
        "max_attempts": 4,
        "backoff": "exponential",
        "interval": 2,
        "max_interval": 30,
        "errors": ["Timeout", "ValueError"],
    }
    definition = state_machine_definition(_document([_step("a", retry=retry)]), FixedTargets())
    assert _states(definition)["Run a"]["Retry"] == [
        {
            "ErrorEquals": ["Timeout", "States.Timeout", "ValueError"],
            "MaxAttempts": 3,
            "IntervalSeconds": 2,
            "BackoffRate": 2.0,
            "MaxDelaySeconds": 30,
        }
    ]


_NAMES = [f"s{i}" for i in range(7)]
_LEAVES = st.one_of(
    st.integers(-5, 5),
    st.text(max_size=6),
    st.just("{% $x %}"),
    st.sampled_from(
        [
            {"$expr": "input.a"},
            {"$expr": '"id-${input.id}"'},
            {"$expr": "input.items[0]"},
            {"$expr": "upper(input.name)"},
            {"$expr": "input.n * 2"},
        ]
    ),
)


@st.composite
def documents(draw: st.DrawFn) -> WorkflowDocument:
    count = draw(st.integers(1, len(_NAMES)))
    steps = []
    for index in range(count):
        name = _NAMES[index]
        earlier = _NAMES[:index]
        later = _NAMES[index + 1 : count]
        kind = draw(st.sampled_from(["function", "workflow", "http", "shell", "sql"]))
        step: dict[str, Any] = {"name": name, "type": kind}
        payload = draw(st.dictionaries(st.sampled_from(["a", "b", "c"]), _LEAVES, max_size=3))
        if draw(st.booleans()) and earlier:
            payload["prev"] = {"$expr": f"step.{draw(st.sampled_from(earlier))}.output.value"}
        if kind == "function":
            step["function"] = {"address": f"function.{name}", "version": "cd" * 32}
            step["input"] = payload
        elif kind == "workflow":
            step["workflow"] = {"address": "workflow.child", "version": "ef" * 32}
            step["input"] = payload
        elif kind == "http":
            step["http"] = {
                "url": {"$expr": '"https://example.com/${input.id}"'},
                "method": "POST",
                "body": payload,
            }
        elif kind == "shell":
            image = draw(st.sampled_from([None, "alpine:3"]))
            step["shell"] = {"script": "echo $A", "image": image, "env": payload}
        else:
            step["sql"] = {
                "statement": "select :a",
                "connection": "postgresql://db",
                "params": payload,
            }
        step["depends_on"] = (
            draw(st.lists(st.sampled_from(earlier), unique=True)) if earlier else []
        )
        step["when"] = draw(
            st.sampled_from([None, True, False, {"$expr": "input.flag"}, {"$expr": "input.n > 1"}])
        )
        if draw(st.booleans()) and later:
            errors = draw(st.sampled_from([["any"], ["Timeout"], ["ValueError", "KeyError"]]))
            step["catch"] = [{"errors": errors, "next": draw(st.sampled_from(later))}]
        if draw(st.booleans()):
            step["retry"] = {
                "max_attempts": draw(st.integers(1, 4)),
                "backoff": draw(st.sampled_from(["fixed", "exponential", "linear"])),
            }
        steps.append(step)
    output = draw(
        st.sampled_from([None, {"$expr": "input.a"}, {"r": {"$expr": "length(input.items)"}}])
    )
    return WorkflowDocument.model_validate(
        {"name": "w", "address": "workflow.w", "steps": steps, "output": output}
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_every_generated_definition_lints_clean(document: WorkflowDocument) -> None:
    definition = state_machine_definition(document, FixedTargets())
    assert lint(definition) == []
    states = _states(definition)
    for step in document.steps:
        assert (f"Run {step.name}" in states) == (step.when is not False)
