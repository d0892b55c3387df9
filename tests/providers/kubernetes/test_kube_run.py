"""`fnplan run` on Kubernetes through the CLI, against the fake API server: a Workflow is
submitted from the newest WorkflowTemplate and followed through the node statuses a
controller thread plays (argo_controller.py), logged in fnplan's record format; `fnplan runs`
and `fnplan logs` read the run back, with what the step's pods printed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.kube_fake.fixtures import KubeCluster
from tests.providers.kubernetes.argo_controller import ARGO, Argo, Outcome
from tests.providers.kubernetes.greet_project import PROVIDER, PYTHON_RUNTIME, templates
from tests.providers.kubernetes.knative_controller import Knative, call

MAIN = (
    PROVIDER
    + PYTHON_RUNTIME
    + """
function "hello" {{
  runtime = runtime.python
  source  = "./functions/hello"
  handler = "main.handler"
}}

workflow "greet" {{
  step "hello" {{
    function = function.hello
    input    = {{ name = input.name }}
  }}
  step "again" {{
    function = function.hello
    input    = {{ greeting = "again" }}
    depends_on = [step.hello]
  }}
  output = step.again.output
}}
"""
)

GREETING = '{"greeting": "again", "name": "ann"}'


@pytest.fixture
def project(
    tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str, knative: Knative
) -> Path:
    hello = tmp_path / "functions" / "hello"
    hello.mkdir(parents=True)
    (hello / "main.py").write_text("def handler(event, context):\n    return event\n")
    main = MAIN.format(kubeconfig=kube_cluster.kubeconfig, namespace=kube_namespace)
    (tmp_path / "main.hcl").write_text(main)
    run_fnplan("apply", "--auto-approve", cwd=tmp_path)
    return tmp_path


@pytest.fixture
def argo(kube_cluster: KubeCluster, kube_namespace: str) -> Iterator[Argo]:
    controller = Argo(kube_cluster, kube_namespace)
    controller.thread.start()
    yield controller
    controller.stop.set()
    controller.thread.join(timeout=10)
    controller.api.close()


def test_run_submits_a_workflow_and_follows_its_nodes(
    project: Path, argo: Argo, knative: Knative, kube_namespace: str
) -> None:
    argo.outcomes.update(
        {
            "hello--values": Outcome(log="resolved the input of hello\n"),
            "hello": Outcome(result='{"name": "ann"}'),
            "again": Outcome(result=GREETING),
            "fnplan-output": Outcome(result=GREETING),
        }
    )
    done = run_fnplan("run", "greet", "--input", '{"name": "ann"}', "--json", cwd=project)
    result = json.loads(done.stdout)
    assert result["status"] == "succeeded"
    assert result["output"] == {"greeting": "again", "name": "ann"}
    (workflow,) = argo.workflows()
    (template,) = templates(knative, kube_namespace)
    assert workflow["spec"]["workflowTemplateRef"]["name"] == template["metadata"]["name"]
    assert workflow["spec"]["arguments"]["parameters"] == [
        {"name": "input", "value": '{"name": "ann"}'}
    ]
    records = [json.loads(line) for line in Path(result["log_path"]).read_text().splitlines()]
    assert [(r["event"], r["step"]) for r in records] == [
        ("run_started", None),
        ("started", "hello"),
        ("succeeded", "hello"),
        ("started", "again"),
        ("succeeded", "again"),
        ("run_succeeded", None),
    ]
    assert records[2]["output"] == {"name": "ann"} and records[2]["node_type"] == "function"
    assert {r["execution_id"] for r in records} == {result["execution_id"]}

    runs = run_fnplan("runs", "greet", cwd=project)
    assert result["execution_id"] in runs.stdout and "succeeded" in runs.stdout
    logs = run_fnplan("logs", "greet", cwd=project).stdout
    (stdout_line,) = [line for line in logs.splitlines() if "stdout:" in line]
    assert Path(stdout_line.split("stdout:")[1].strip()).read_text() == (
        "resolved the input of hello\n"
    )


def test_a_failed_node_fails_the_run_with_its_message(
    project: Path, argo: Argo, kube_namespace: str
) -> None:
    argo.outcomes.update(
        {
            "hello": Outcome(result="{}"),
            "again": Outcome(phase="Failed", message="received non-2xx response code: 500"),
        }
    )
    failed = run_fnplan("run", "greet", "--input", '{"name": "ann"}', cwd=project, check=1)
    assert "again" in failed.stderr and "non-2xx response code: 500" in failed.stderr
    assert "Traceback" not in failed.stderr
    as_json = run_fnplan("runs", "greet", "--json", cwd=project).stdout
    (execution,) = json.loads(as_json)
    assert execution["status"] == "failed" and execution["failed_step"] == "again"


def test_run_of_a_workflow_whose_template_is_gone_is_a_clean_error(
    project: Path, knative: Knative, kube_namespace: str
) -> None:
    for template in templates(knative, kube_namespace):
        name = template["metadata"]["name"]
        call(knative.api, f"{ARGO}/{kube_namespace}/workflowtemplates/{name}", "DELETE")
    result = run_fnplan("run", "greet", "--input", "{}", cwd=project, check=None)
    assert_clean_error(result, "workflow.greet is not deployed on kubernetes", "fnplan apply")
