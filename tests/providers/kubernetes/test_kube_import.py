"""`fnplan import` on Kubernetes through the CLI, against the fake API server: objects made
outside fnplan (a Knative Service, a WorkflowTemplate, a Broker) are never taken over by a
create; `fnplan import ADDRESS namespace/name` adopts them, and the next apply re-applies them
with fnplan's labels (a template named otherwise is replaced by fnplan's own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fnplan.providers.kubernetes.knative import service_name
from fnplan.providers.kubernetes.triggers_kind import broker_name

from tests.cli.conftest import run_fnplan
from tests.kube_fake.fixtures import KubeCluster
from tests.providers.kubernetes.greet_project import MAIN, objects, templates
from tests.providers.kubernetes.knative_controller import Knative, call

EVENT = """
event "uploaded" {
  type = "com.example.uploaded"
}
"""
SERVING = "/apis/serving.knative.dev/v1/namespaces"
EVENTING = "/apis/eventing.knative.dev/v1/namespaces"
ARGO = "/apis/argoproj.io/v1alpha1/namespaces"


def _project(root: Path, cluster: KubeCluster, namespace: str) -> None:
    hello = root / "functions" / "hello"
    hello.mkdir(parents=True)
    (hello / "main.py").write_text("def handler(event, context):\n    return event\n")
    main = MAIN.format(kubeconfig=cluster.kubeconfig, namespace=namespace, greeting="hi")
    (root / "main.hcl").write_text(main + EVENT)


def _foreign(namespace: str) -> dict[str, dict[str, Any]]:
    """Objects someone made with kubectl: no fnplan labels."""
    service = service_name("function.hello")
    return {
        f"{SERVING}/{namespace}/services": {
            "apiVersion": "serving.knative.dev/v1",
            "kind": "Service",
            "metadata": {"name": service},
            "spec": {
                "template": {
                    "metadata": {"name": f"{service}-00001", "labels": {"app": "legacy"}},
                    "spec": {
                        "containers": [{"image": "legacy:1", "env": [{"name": "A", "value": "b"}]}]
                    },
                }
            },
        },
        f"{ARGO}/{namespace}/workflowtemplates": {
            "apiVersion": "argoproj.io/v1alpha1",
            "kind": "WorkflowTemplate",
            "metadata": {"name": "legacy-greet"},
            "spec": {"entrypoint": "main", "templates": [{"name": "main", "dag": {"tasks": []}}]},
        },
        f"{EVENTING}/{namespace}/brokers": {
            "apiVersion": "eventing.knative.dev/v1",
            "kind": "Broker",
            "metadata": {"name": broker_name("com.example.uploaded")},
        },
    }


def test_foreign_objects_are_refused_by_create_and_adopted_by_import(
    tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str, knative: Knative
) -> None:
    _project(tmp_path, kube_cluster, kube_namespace)
    for path, body in _foreign(kube_namespace).items():
        call(knative.api, path, "POST", body)
    service = service_name("function.hello")
    broker = broker_name("com.example.uploaded")

    refused = run_fnplan("apply", "--auto-approve", cwd=tmp_path, check=1)
    output = refused.stdout + refused.stderr
    assert "was not created by this configuration" in output
    assert f"fnplan import function.hello {kube_namespace}/{service}" in output
    assert f"fnplan import event.uploaded {kube_namespace}/{broker}" in output
    (untouched,) = knative.services()
    assert "fnplan.io/address" not in (untouched["metadata"].get("labels") or {})

    for address, name in (
        ("function.hello", service),
        ("workflow.greet", "legacy-greet"),
        ("event.uploaded", broker),
    ):
        run_fnplan("import", address, f"{kube_namespace}/{name}", cwd=tmp_path)
    plan = run_fnplan("plan", "--detailed-exitcode", cwd=tmp_path, check=2)
    assert "function.hello" in plan.stdout and "changed outside fnplan" in plan.stdout

    # the function first: the fake's Knative controller makes the new revision a tick later
    # (its Ready condition is the adopted Service's old one)
    run_fnplan("apply", "--auto-approve", "--target", "function.hello", cwd=tmp_path)
    run_fnplan("apply", "--auto-approve", cwd=tmp_path)
    (adopted,) = knative.services()
    assert adopted["metadata"]["name"] == service
    assert adopted["metadata"]["labels"]["fnplan.io/address"]
    assert adopted["spec"]["template"]["metadata"]["name"] == f"{service}-v1"
    (template,) = templates(knative, kube_namespace)
    assert template["metadata"]["name"].endswith("-v1")  # legacy-greet replaced
    (adopted_broker,) = objects(knative, kube_namespace, "eventing.knative.dev/v1", "brokers")
    assert adopted_broker["metadata"]["labels"]["fnplan.io/address"]
    assert "No changes" in run_fnplan("plan", "--detailed-exitcode", cwd=tmp_path).stdout


def test_importing_what_does_not_exist_names_it(
    tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    _project(tmp_path, kube_cluster, kube_namespace)
    result = run_fnplan("import", "workflow.greet", "missing-template", cwd=tmp_path, check=1)
    assert f"no WorkflowTemplate named {kube_namespace}/missing-template" in result.stderr
    assert "Traceback" not in result.stderr
