"""The WorkflowTemplate generator: manifests hera's Argo models accept field for field, and
a DAG whose Argo semantics keep fnplan's run-time rules (docs/language.md)."""

from __future__ import annotations

import json
from typing import Any

import hera.workflows.models as argo_models
import pytest
import yaml
from fnplan.providers.kubernetes.argo import ARGO_NAME, template_name, workflow_template

from fnplan.workflow.model import WorkflowDocument

from .argo_dag_sim import settle


class Targets:
    def function_url(self, address: str, version: str) -> str:
        return f"http://v3-{address.split('.')[-1]}.fns.example.com"

    def workflow_template(self, address: str, version: str) -> str:
        return template_name(address, 2)

    def runner_image(self) -> str:
        return "ghcr.io/example/fnplan-runner:1"

    def shell_image(self) -> str:
        return "alpine:3.20"


def expr(source: str) -> dict[str, str]:
    return {"$expr": source}


def document(steps: list[dict[str, Any]], output: Any = None) -> WorkflowDocument:
    return WorkflowDocument.model_validate(
        {"name": "pipeline", "address": "workflow.pipeline", "steps": steps, "output": output}
    )


def fn(name: str, **fields: Any) -> dict[str, Any]:
    call = {"address": f"function.{name}", "version": "abc"}
    return {"name": name, "type": "function", "function": call, **fields}


EVERY_NODE = document(
    [
        fn("fetch", input=expr("input.url"), retry={"max_attempts": 3, "backoff": "exponential"}),
        fn("resize", input={"path": expr("step.fetch.output.path")}, catch=[{"next": "cleanup"}]),
        fn("cleanup", input={"reason": "resize failed"}),
        {
            "name": "notify",
            "type": "http",
            "http": {
                "url": "https://hooks.example.com",
                "method": "POST",
                "headers": {"X-Run": expr("input.run")},
                "body": {"ok": True},
            },
            "depends_on": ["resize"],
        },
        {
            "name": "child",
            "type": "workflow",
            "workflow": {"address": "workflow.child", "version": "v"},
            "input": {"p": expr("step.resize.output")},
            "when": expr("input.nested"),
        },
        {
            "name": "audit",
            "type": "sql",
            "sql": {
                "statement": "insert into log values (%(id)s)",
                "connection": "postgresql://db/app",
                "params": {"id": expr("input.id")},
            },
            "depends_on": ["child"],
        },
        {
            "name": "archive_all",
            "type": "shell",
            "shell": {"script": "echo $N", "env": {"N": "1"}},
            "depends_on": ["audit"],
            "when": False,
        },
    ],
    output={"size": expr("step.resize.output.size"), "child": expr("step.child.output")},
)


def render(doc: WorkflowDocument = EVERY_NODE) -> dict[str, Any]:
    return workflow_template(
        doc, template_name(doc.address, 3), "apps", {"fnplan.io/workflow": "p"}, Targets()
    )


def tasks(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    (dag,) = [t for t in manifest["spec"]["templates"] if "dag" in t]
    return {task["name"]: task for task in dag["dag"]["tasks"]}


def strict(model: Any, value: Any) -> None:
    """hera ignores unknown fields: a manifest is valid when it survives a round trip."""
    parsed = model.model_validate(value)
    again = json.loads(parsed.model_dump_json(by_alias=True, exclude_none=True))
    assert again == json.loads(json.dumps(value)), "fields hera's models do not know"


def test_every_node_type_validates_against_heras_argo_models() -> None:
    manifest = render()
    strict(argo_models.WorkflowTemplate, manifest)
    (call,) = [t for t in manifest["spec"]["templates"] if "resource" in t]
    child = yaml.safe_load(call["resource"]["manifest"])
    strict(argo_models.Workflow, child)
    assert child["spec"]["workflowTemplateRef"] == {"name": template_name("workflow.child", 2)}
    assert call["resource"]["action"] == "create"


def test_names_are_argo_names_within_63_characters() -> None:
    name = template_name("workflow." + "very_long.name" * 10, 123)
    assert len(name) <= 63 and ARGO_NAME.match(name) and name.endswith("-v123")
    assert all(ARGO_NAME.match(task) for task in tasks(render()))


def test_function_step_calls_the_tagged_url_with_retry() -> None:
    templates = {t["name"]: t for t in render()["spec"]["templates"]}
    assert templates["fetch"]["http"]["url"] == "http://v3-fetch.fns.example.com"
    assert templates["fetch"]["retryStrategy"]["limit"] == "2"
    assert templates["fetch"]["retryStrategy"]["backoff"]["factor"] == "2"
    assert "retryStrategy" not in templates["cleanup"]


def test_a_step_runs_when_all_its_dependencies_succeeded() -> None:
    phases, ok = settle(list(tasks(render()).values()), set(), set())
    assert ok
    assert phases["notify"] == phases["audit"] == "Succeeded"
    assert phases["archive-all"] == "Skipped"  # when = false


def test_skip_propagates_to_every_dependent() -> None:
    phases, ok = settle(list(tasks(render()).values()), set(), {"child"})
    assert ok and phases["child"] == "Skipped" and phases["audit"] == "Omitted"
    assert phases["archive-all"] == "Omitted"


def test_catch_target_runs_only_when_the_catch_fires() -> None:
    phases, ok = settle(list(tasks(render()).values()), set(), set())
    assert phases["cleanup"] == "Omitted"
    phases, ok = settle(list(tasks(render()).values()), {"resize"}, set())
    assert phases["cleanup"] == "Succeeded" and ok  # a caught failure does not fail the run
    assert phases["notify"] == phases["child"] == "Omitted"  # dependents of a failed step


def test_an_uncaught_failure_fails_the_run() -> None:
    phases, ok = settle(list(tasks(render()).values()), {"fetch"}, set())
    assert not ok and phases["resize"] == phases["cleanup"] == "Omitted"
    phases, ok = settle(list(tasks(render()).values()), {"cleanup", "resize"}, set())
    assert not ok


def test_output_reads_steps_whatever_their_phase() -> None:
    output = tasks(render())["fnplan-output"]
    phases, _ = settle(list(tasks(render()).values()), set(), {"child"})
    assert phases["fnplan-output"] == "Succeeded"
    assert "tasks['child'].status == 'Succeeded'" in output["arguments"]["parameters"][0]["value"]


def test_constant_values_are_written_inline() -> None:
    found = tasks(render())
    assert "cleanup--values" not in found
    assert found["cleanup"]["arguments"]["parameters"] == [
        {"name": "input", "value": json.dumps({"reason": "resize failed"})}
    ]
    assert found["child"]["when"] == "{{tasks.child--values.outputs.parameters.when}} == true"


def test_a_catch_on_named_errors_is_refused() -> None:
    doc = document([fn("a", catch=[{"errors": ["timeout"], "next": "b"}]), fn("b")])
    with pytest.raises(ValueError, match="errors"):
        render(doc)
