"""Drift of workflows on Kubernetes through the CLI, against the fake API server: a
WorkflowTemplate edited in the cluster shows in the plan with the paths that changed, and
apply puts fnplan's template back."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import run_fnplan
from tests.providers.kubernetes.test_kube_workflows import (
    Knative,
    call,
    knative,
    project,
    templates,
)

__all__ = ["knative", "project"]


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
