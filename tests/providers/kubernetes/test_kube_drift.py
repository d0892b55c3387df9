"""Drift of workflows on Kubernetes through the CLI, against the fake API server: a
WorkflowTemplate or a trigger's PingSource edited in the cluster shows in the plan with the
paths that changed, and apply puts fnplan's object back."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import run_fnplan
from tests.providers.kubernetes.greet_project import TRIGGERS, objects, project, templates
from tests.providers.kubernetes.knative_controller import Knative, call

__all__ = ["project"]


def test_a_template_edited_in_the_cluster_is_drift_and_apply_restores_it(
    project: Path, knative: Knative, kube_namespace: str
) -> None:
    run_fnplan("apply", "--auto-approve", cwd=project)
    (template,) = templates(knative, kube_namespace)
    http = next(t for t in template["spec"]["templates"] if "http" in t)
    http["http"]["url"] = "http://elsewhere.example"
    name = template["metadata"]["name"]
    path = f"/apis/argoproj.io/v1alpha1/namespaces/{kube_namespace}/workflowtemplates/{name}"
    call(knative.api, path, "PUT", template)

    plan = run_fnplan("plan", "--detailed-exitcode", cwd=project, check=2)
    assert "workflow.greet" in plan.stdout
    assert "changed outside fnplan" in plan.stdout and ".http.url" in plan.stdout

    run_fnplan("apply", "--auto-approve", cwd=project)
    (restored,) = templates(knative, kube_namespace)
    restored_http = next(t for t in restored["spec"]["templates"] if "http" in t)
    assert restored_http["http"]["url"] != "http://elsewhere.example"
    assert "No changes" in run_fnplan("plan", "--detailed-exitcode", cwd=project).stdout


def test_a_ping_source_edited_in_the_cluster_is_drift_and_apply_restores_it(
    project: Path, knative: Knative, kube_namespace: str
) -> None:
    with (project / "main.hcl").open("a") as main:
        main.write(TRIGGERS)
    run_fnplan("apply", "--auto-approve", cwd=project)
    (ping,) = objects(knative, kube_namespace, "sources.knative.dev/v1", "pingsources")
    ping["spec"]["schedule"] = "0 5 * * *"
    ping["status"] = {"conditions": [{"type": "Ready", "status": "True"}]}  # a controller's
    name = ping["metadata"]["name"]
    path = f"/apis/sources.knative.dev/v1/namespaces/{kube_namespace}/pingsources/{name}"
    call(knative.api, path, "PUT", ping)

    plan = run_fnplan("plan", "--detailed-exitcode", cwd=project, check=2)
    assert "trigger.nightly" in plan.stdout and "spec.schedule" in plan.stdout
    run_fnplan("apply", "--auto-approve", cwd=project)
    (restored,) = objects(knative, kube_namespace, "sources.knative.dev/v1", "pingsources")
    assert restored["spec"]["schedule"] == "0 2 * * *"
    assert "No changes" in run_fnplan("plan", "--detailed-exitcode", cwd=project).stdout
