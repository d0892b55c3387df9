"""A workflow document as an Amazon States Language definition (JSONata).

The DAG runs layer by layer: each layer (the steps whose dependencies all lie in earlier
layers) is one Parallel state with a branch per step (fnplan.providers.aws.asl.branches).
After a layer, its results are merged into `$steps`, `$status` and `$caught`, and an
uncaught failure fails the execution, as the local executor fails a run once its running
steps have finished. The final state evaluates the workflow's output.
"""

from __future__ import annotations

from typing import Any

from fnplan.run import step_references
from fnplan.workflow.model import Step, WorkflowDocument

from .branches import step_branch
from .expressions import as_data, is_simple, jsonata_value, quoted_name
from .tasks import LAMBDA_INVOKE, Targets

#: the failed step's error name; Step Functions reserves "States." for its own, so one of
#: those (a timeout, a runtime error) is passed on as "fnplan.States.…"
_FAILED_ERROR = (
    "{% ($e := $states.input.error.Error; $e ? "
    '($substring($e, 0, 7) = "States." ? "fnplan." & $e : $e) : "StepFailed") %}'
)
START = "Start"
FAIL = "Failed"
OUTPUT = "Output"


def state_machine_definition(document: WorkflowDocument, targets: Targets) -> dict[str, Any]:
    """The ASL definition of `document`; ARNs come from `targets`."""
    layers = _layers(document)
    states: dict[str, Any] = {
        START: {
            "Type": "Pass",
            "Assign": {"input": "{% $states.input %}", "steps": {}, "status": {}, "caught": {}},
            "Next": _layer_name(0) if layers else OUTPUT,
        }
    }
    for index, layer in enumerate(layers):
        after = _layer_name(index + 1) if index + 1 < len(layers) else OUTPUT
        states.update(_layer_states(index, layer, document, targets, after))
    states[FAIL] = {
        "Type": "Fail",
        "Error": _FAILED_ERROR,
        "Cause": "{% $string($states.input) %}",
    }
    states[OUTPUT] = _output_state(document, targets)
    return {
        "Comment": f"fnplan workflow {document.address}",
        "QueryLanguage": "JSONata",
        "StartAt": START,
        "States": states,
    }


def _layers(document: WorkflowDocument) -> list[list[Step]]:
    """Steps grouped so that each one's dependencies and error sources lie in earlier groups."""
    deps = _dependencies(document)
    depth: dict[str, int] = {}
    by_name = {step.name: step for step in document.steps}

    def layer_of(name: str, trail: tuple[str, ...] = ()) -> int:
        if name in trail:
            raise ValueError(f"workflow {document.name!r} has a dependency cycle at {name!r}")
        if name not in depth:
            before = [layer_of(dep, (*trail, name)) for dep in deps[name] if dep in by_name]
            depth[name] = 1 + max(before, default=-1)
        return depth[name]

    layers: list[list[Step]] = []
    for step in document.steps:
        index = layer_of(step.name)
        while len(layers) <= index:
            layers.append([])
        layers[index].append(step)
    return layers


def _dependencies(document: WorkflowDocument) -> dict[str, set[str]]:
    """Every step each one waits for: depends_on, edges, data references and catch sources."""
    deps = {
        step.name: set(step.depends_on)
        | step_references(step.model_dump(exclude={"retry", "catch"}))
        for step in document.steps
    }
    for edge in document.edges:
        deps.setdefault(edge.target, set()).add(edge.source)
    for step in document.steps:
        for catch in step.catch:
            deps.setdefault(catch.next, set()).add(step.name)
    for name in deps:
        deps[name].discard(name)
    return deps


def _run_time_values(step: Step) -> dict[str, Any]:
    """What of a step may refer to other steps (retry and catch cannot)."""
    return step.model_dump(exclude={"retry", "catch"})


def error_sources(document: WorkflowDocument) -> dict[str, set[str]]:
    """For each catch target, the steps whose catches route to it."""
    sources: dict[str, set[str]] = {}
    for step in document.steps:
        for catch in step.catch:
            sources.setdefault(catch.next, set()).add(step.name)
    return sources


def _layer_states(
    index: int, layer: list[Step], document: WorkflowDocument, targets: Targets, after: str
) -> dict[str, Any]:
    deps = _dependencies(document)
    sources = error_sources(document)
    branches = [
        step_branch(
            step,
            deps[step.name] - sources.get(step.name, set()),
            sources.get(step.name, set()),
            targets,
        )
        for step in layer
    ]
    results = [f"$states.result[{position}]" for position in range(len(layer))]
    merged = {
        "steps": _merge("$steps", layer, results, lambda r: '{"output": ' + r + ".output}"),
        "status": _merge("$status", layer, results, lambda r: r + ".status"),
        "caught": _merge("$caught", layer, results, lambda r: r + ".caught_to"),
    }
    name = _layer_name(index)
    check = f"{name} settled"
    settled = [f"$states.input[{position}]" for position in range(len(layer))]
    failed = " or ".join(f'{result}.status = "failed"' for result in settled)
    return {
        name: {"Type": "Parallel", "Branches": branches, "Assign": merged, "Next": check},
        check: {
            "Type": "Choice",
            "Choices": [
                {
                    "Condition": "{% " + failed + " %}",
                    "Next": FAIL,
                    "Output": '{% $states.input[status = "failed"][0] %}',
                }
            ],
            "Default": after,
        },
    }


def _merge(variable: str, layer: list[Step], results: list[str], field: Any) -> str:
    """JSONata merging the layer's results into a variable, one key per step."""
    entries = ", ".join(
        f"{_quote(step.name)}: {field(result)}" for step, result in zip(layer, results, strict=True)
    )
    return "{% $merge([" + variable + ", {" + entries + "}]) %}"


def _quote(name: str) -> str:
    import json

    quoted_name(name)  # refuses names JSONata cannot carry
    return json.dumps(name)


def _output_state(document: WorkflowDocument, targets: Targets) -> dict[str, Any]:
    """The last state: the workflow's output, evaluated like any step value."""
    if is_simple(document.output):
        return {"Type": "Pass", "Output": jsonata_value(document.output), "End": True}
    payload = {
        "values": as_data(document.output),
        "input": "{% $input %}",
        "steps": "{% $steps %}",
        "status": "{% $status %}",
    }
    return {
        "Type": "Task",
        "Resource": LAMBDA_INVOKE,
        "Arguments": {"FunctionName": targets.expression_function_arn(), "Payload": payload},
        "Output": "{% $states.result.Payload %}",
        "End": True,
    }


def _layer_name(index: int) -> str:
    return f"Layer {index + 1}"
