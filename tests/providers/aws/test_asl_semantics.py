"""Generated state machines do what the local executor does with the same workflow: the same
steps succeed, fail, are caught or skipped, and the run ends with the same status and
output. The machines run in tests/providers/aws/asl_interpreter.py with the real handler
code and fnplan's real expression function; the local side runs in real worker processes."""

from __future__ import annotations

import importlib.util
import json
import textwrap
import uuid
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

from fnplan.providers.aws.asl import state_machine_definition
from fnplan.providers.aws.asl.evaluator import ExpressionError
from fnplan.providers.aws.asl.evaluator import handler as evaluate_expressions
from fnplan.providers.aws.asl.tasks import LAMBDA_INVOKE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fnplan.run import WorkerPool
from fnplan.workflow.model import WorkflowDocument
from tests.providers.aws.asl_interpreter import Outcome, TaskFailed, execute
from tests.providers.aws.asl_targets import FixedTargets
from tests.run.runkit import Deployment, document, expr, records

HANDLERS = {
    "echo": """
        def handler(event, context):
            return event
    """,
    "double": """
        def handler(event, context):
            return {"value": event["n"] * 2, "items": [event["n"]]}
    """,
    "fail": """
        class ImageTooLarge(Exception):
            pass

        def handler(event, context):
            raise ImageTooLarge("too large: %r" % (event,))
    """,
    "picky": """
        def handler(event, context):
            if event.get("n", 0) > 2:
                raise ValueError("n above 2")
            return {"value": event.get("n", 0)}
    """,
}


class _Lambda:
    """lambda:invoke for the state machine: the same handler files, imported here."""

    def __init__(self, deploy: Deployment) -> None:
        self.targets = FixedTargets()
        self.modules: dict[str, ModuleType] = {}
        for (address, version), function in deploy.functions.items():
            arn = self.targets.function_arn(address, version)
            spec = importlib.util.spec_from_file_location(
                f"handler_{uuid.uuid4().hex}", function.code_dir / "main.py"
            )
            assert spec is not None and spec.loader is not None
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            self.modules[arn] = module

    def __call__(self, resource: str, arguments: Any) -> Any:
        assert resource == LAMBDA_INVOKE, resource
        name, payload = arguments["FunctionName"], json.loads(json.dumps(arguments["Payload"]))
        context = SimpleNamespace(aws_request_id=uuid.uuid4().hex)
        try:
            if name == self.targets.expression_function_arn():
                result = evaluate_expressions(payload, context)
            else:
                result = self.modules[name].handler(payload, context)
        except ExpressionError as error:
            raise TaskFailed("ExpressionError", str(error)) from None
        except Exception as error:
            raise TaskFailed(type(error).__name__, str(error)) from None
        return {"StatusCode": 200, "Payload": json.loads(json.dumps(result))}


def _local_states(result: Any) -> dict[str, str]:
    final = {"succeeded", "failed", "caught", "skipped"}
    return {r.step: r.event for r in records(result) if r.step and r.event in final}


def _compare(deploy: Deployment, doc: WorkflowDocument, input: Any) -> tuple[Any, Outcome]:
    local = deploy.run(doc, input)
    definition = state_machine_definition(doc, FixedTargets())
    outcome = execute(definition, input, _Lambda(deploy))
    assert outcome.status == local.status, (local.error, outcome)
    if local.status == "succeeded":
        assert outcome.output == local.output
        assert outcome.variables["status"] == _local_states(local)
    else:
        assert local.error is not None and outcome.error == local.error.type
    return local, outcome


def _functions(deploy: Deployment) -> dict[str, dict[str, str]]:
    return {name: deploy.function(name, textwrap.dedent(code)) for name, code in HANDLERS.items()}


def test_data_conditions_and_catches_behave_as_locally(tmp_path: Path, pool: WorkerPool) -> None:
    deploy = Deployment(tmp_path, pool)
    fn = _functions(deploy)
    doc = document(
        "flow",
        [
            {
                "name": "a",
                "type": "function",
                "function": fn["double"],
                "input": {"n": expr("input.n")},
            },
            {
                "name": "b",
                "type": "function",
                "function": fn["picky"],
                "input": {"n": expr("step.a.output.value")},
                "catch": [{"errors": ["ValueError"], "next": "handle"}],
            },
            {
                "name": "handle",
                "type": "function",
                "function": fn["echo"],
                "input": {"note": expr('"b failed for ${input.n}"')},
            },
            {
                "name": "c",
                "type": "function",
                "function": fn["echo"],
                "input": {"big": expr("step.a.output.value > 10")},
                "when": expr("input.n > 1"),
            },
            {
                "name": "d",
                "type": "function",
                "function": fn["echo"],
                "input": {"from_b": expr("step.b.output.value")},
            },
        ],
        output={
            "a": expr("step.a.output.items"),
            "d": expr("step.d.output"),
            "note": expr("step.handle.output.note"),
        },
    )
    for n in (1, 2, 6):
        _compare(deploy, doc, {"n": n})


def test_an_uncaught_failure_fails_both(tmp_path: Path, pool: WorkerPool) -> None:
    deploy = Deployment(tmp_path, pool)
    fn = _functions(deploy)
    doc = document(
        "boom",
        [
            {
                "name": "a",
                "type": "function",
                "function": fn["fail"],
                "input": {"x": 1},
                "retry": {"max_attempts": 2, "interval": 0.01},
            },
            {
                "name": "b",
                "type": "function",
                "function": fn["echo"],
                "input": {"a": expr("step.a.output")},
            },
        ],
    )
    _, outcome = _compare(deploy, doc, {})
    assert outcome.error == "ImageTooLarge"


def test_a_failing_expression_is_a_step_failure_its_catch_takes(
    tmp_path: Path, pool: WorkerPool
) -> None:
    deploy = Deployment(tmp_path, pool)
    fn = _functions(deploy)
    doc = document(
        "bad",
        [
            {
                "name": "a",
                "type": "function",
                "function": fn["echo"],
                "input": {"n": expr("input.missing + 1")},
                "catch": [{"errors": ["ExpressionError"], "next": "b"}],
            },
            {"name": "b", "type": "function", "function": fn["echo"], "input": {"ok": True}},
            {
                "name": "c",
                "type": "function",
                "function": fn["echo"],
                "input": {"w": 1},
                "when": expr("input.flag"),
            },
        ],
        output={"b": expr("step.b.output")},
    )
    _compare(deploy, doc, {"flag": True})
    _compare(deploy, doc, {"flag": False})
    _compare(deploy, doc, {"flag": "yes"})  # a `when` that is not a bool fails the step


_HANDLER_NAMES = sorted(HANDLERS)
_INPUTS = [
    {"n": expr("input.n")},
    {"n": expr("input.n + 1")},
    {"n": 3},
    {"text": expr('"n=${input.n}"')},
]


@st.composite
def _workflows(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 5))
    steps = []
    for index in range(count):
        name = f"s{index}"
        earlier, later = [f"s{i}" for i in range(index)], [f"s{i}" for i in range(index + 1, count)]
        step: dict[str, Any] = {
            "name": name,
            "type": "function",
            "handler": draw(st.sampled_from(_HANDLER_NAMES)),
        }
        step["input"] = dict(draw(st.sampled_from(_INPUTS)))
        if draw(st.booleans()) and earlier:
            step["input"]["prev"] = expr(f"step.{draw(st.sampled_from(earlier))}.output")
        if earlier:
            step["depends_on"] = draw(st.lists(st.sampled_from(earlier), unique=True, max_size=2))
        step["when"] = draw(st.sampled_from([None, expr("input.n > 1"), expr("input.n < 0")]))
        if draw(st.booleans()) and later:
            errors = draw(st.sampled_from([["any"], ["ValueError"], ["ImageTooLarge"]]))
            step["catch"] = [{"errors": errors, "next": draw(st.sampled_from(later))}]
        steps.append(step)
    return steps


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(_workflows(), st.integers(0, 4))
def test_generated_workflows_behave_as_locally(
    tmp_path_factory: Any, steps: list[dict[str, Any]], n: int
) -> None:
    root = tmp_path_factory.mktemp("asl")
    pool = WorkerPool()
    try:
        deploy = Deployment(root, pool)
        fn = _functions(deploy)
        for step in steps:
            step["function"] = fn[step.pop("handler")]
        output = {step["name"]: expr(f"step.{step['name']}.output") for step in steps}
        _compare(deploy, document("gen", steps, output=output), {"n": n})
    finally:
        pool.close()
