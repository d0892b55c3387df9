"""Workflows on the kubernetes provider through the CLI, against the fake API server: one
WorkflowTemplate per fnplan version, calling the tagged URL of the function's revision (a
controller thread plays Knative: Services become Ready and get their Revisions)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hera.workflows.models as argo_models
import yaml

from tests.cli.conftest import run_fnplan
from tests.kube_fake.fixtures import KubeCluster
from tests.providers.kubernetes.greet_project import (
    TRIGGERS,
    objects,
    project,
    templates,
    write_main,
)
from tests.providers.kubernetes.knative_controller import Knative, call

__all__ = ["project"]


def test_apply_deploys_a_workflow_template_calling_the_tagged_revision(
    project: Path, knative: Knative, kube_namespace: str
) -> None:
    run_fnplan("apply", "--auto-approve", cwd=project)
    (template,) = templates(knative, kube_namespace)
    assert template["metadata"]["name"].endswith("-v1")
    assert template["metadata"]["labels"]["fnplan.io/workflow"]
    argo_models.WorkflowTemplate.model_validate(template)
    http = {t["name"]: t for t in template["spec"]["templates"]}["hello"]["http"]
    (service,) = knative.services()
    assert http["url"] == (
        f"http://v1-{service['metadata']['name']}.{kube_namespace}.svc.cluster.local"
    )
    again = {t["name"]: t for t in template["spec"]["templates"][0]["dag"]["tasks"]}["again"]
    assert again["depends"].startswith("hello.Succeeded")
    plan = run_fnplan("plan", "--detailed-exitcode", cwd=project)
    assert "No changes" in plan.stdout


def test_a_new_version_is_a_new_template_and_the_unreferenced_old_one_goes(
    project: Path, knative: Knative, kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    run_fnplan("apply", "--auto-approve", cwd=project)
    write_main(project, kube_cluster, kube_namespace, "hi")
    run_fnplan("apply", "--auto-approve", cwd=project)
    (template,) = templates(knative, kube_namespace)
    assert template["metadata"]["name"].endswith("-v2")
    hello = {t["name"]: t for t in template["spec"]["templates"][0]["dag"]["tasks"]}
    (request,) = hello["hello--values"]["arguments"]["parameters"]
    assert '"greeting": "hi"' in request["value"]


def test_a_running_workflow_keeps_its_template(
    project: Path, knative: Knative, kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    run_fnplan("apply", "--auto-approve", cwd=project)
    (first,) = templates(knative, kube_namespace)
    running = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "name": "run-1",
            "labels": {"workflows.argoproj.io/workflow-template": first["metadata"]["name"]},
        },
        "spec": {"workflowTemplateRef": {"name": first["metadata"]["name"]}},
    }
    call(
        knative.api,
        f"/apis/argoproj.io/v1alpha1/namespaces/{kube_namespace}/workflows",
        "POST",
        running,
    )
    write_main(project, kube_cluster, kube_namespace, "hi")
    run_fnplan("apply", "--auto-approve", cwd=project)
    names = [t["metadata"]["name"] for t in templates(knative, kube_namespace)]
    assert [name[-3:] for name in names] == ["-v1", "-v2"]


def test_render_prints_the_template_as_yaml(project: Path, knative: Knative) -> None:
    run_fnplan("apply", "--auto-approve", cwd=project)
    rendered = run_fnplan("render", "--provider", "kubernetes", cwd=project).stdout
    documents = [d for d in yaml.safe_load_all(rendered) if d]
    (template,) = [d for d in documents if d.get("kind") == "WorkflowTemplate"]
    assert template["metadata"]["name"].endswith("-v1")
    argo_models.WorkflowTemplate.model_validate(template)


def test_triggers_deploy_as_knative_eventing_and_an_argo_event_binding(
    project: Path, knative: Knative, kube_namespace: str
) -> None:
    with (project / "main.hcl").open("a") as main:
        main.write(TRIGGERS)
    run_fnplan("apply", "--auto-approve", cwd=project)
    (broker,) = objects(knative, kube_namespace, "eventing.knative.dev/v1", "brokers")
    (trigger,) = objects(knative, kube_namespace, "eventing.knative.dev/v1", "triggers")
    assert trigger["spec"]["broker"] == broker["metadata"]["name"]
    assert trigger["spec"]["filter"] == {"attributes": {"type": "com.example.uploaded"}}
    (ping,) = objects(knative, kube_namespace, "sources.knative.dev/v1", "pingsources")
    assert ping["spec"]["schedule"] == "0 2 * * *"
    assert ping["spec"]["sink"]["uri"].endswith(
        f"/api/v1/events/{kube_namespace}/{ping['metadata']['name']}"
    )
    (binding,) = objects(knative, kube_namespace, "argoproj.io/v1alpha1", "workfloweventbindings")
    (template,) = templates(knative, kube_namespace)
    assert binding["spec"]["submit"]["workflowTemplateRef"]["name"] == template["metadata"]["name"]
    plan = run_fnplan("plan", "--detailed-exitcode", cwd=project)
    assert "No changes" in plan.stdout
    (project / "main.hcl").write_text((project / "main.hcl").read_text().replace(TRIGGERS, ""))
    run_fnplan("apply", "--auto-approve", cwd=project)
    assert objects(knative, kube_namespace, "sources.knative.dev/v1", "pingsources") == []
    assert objects(knative, kube_namespace, "argoproj.io/v1alpha1", "workfloweventbindings") == []


def test_a_new_workflow_version_is_what_its_triggers_start_in_the_same_apply(
    project: Path, knative: Knative, kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    with (project / "main.hcl").open("a") as main:
        main.write(TRIGGERS)
    run_fnplan("apply", "--auto-approve", cwd=project)
    write_main(project, kube_cluster, kube_namespace, "hi")
    with (project / "main.hcl").open("a") as main:
        main.write(TRIGGERS)
    run_fnplan("apply", "--auto-approve", cwd=project)
    (template,) = templates(knative, kube_namespace)
    assert template["metadata"]["name"].endswith("-v2")
    (binding,) = objects(knative, kube_namespace, "argoproj.io/v1alpha1", "workfloweventbindings")
    assert binding["spec"]["submit"]["workflowTemplateRef"]["name"] == template["metadata"]["name"]
    assert binding["spec"]["submit"]["arguments"]["parameters"][0]["name"] == "input"
    plan = run_fnplan("plan", "--detailed-exitcode", cwd=project, check=None)
    assert plan.returncode == 0, plan.stdout


def _created(obj: dict[str, Any]) -> int:
    """The fake's creation order (its uids count up)."""
    return int(obj["metadata"]["uid"].rsplit("-", 1)[1])


def test_switching_to_dedicated_makes_the_namespace_and_copies_before_the_template_uses_them(
    project: Path, knative: Knative, kube_namespace: str
) -> None:
    run_fnplan("apply", "--auto-approve", cwd=project)
    main = project / "main.hcl"
    main.write_text(
        main.read_text().replace(
            'workflow "greet" {', 'workflow "greet" {\n  isolation = "dedicated"'
        )
    )
    run_fnplan("apply", "--auto-approve", cwd=project)
    (dedicated,) = [n for n in knative.namespaces() if n != kube_namespace]
    namespace = call(knative.api, f"/api/v1/namespaces/{dedicated}")
    (copy,) = knative.services(dedicated)
    assert copy["metadata"]["labels"]["fnplan.io/workflow"]
    (template,) = templates(knative, kube_namespace)
    assert template["metadata"]["name"].endswith("-v2")
    http = {t["name"]: t for t in template["spec"]["templates"]}["hello"]["http"]
    assert http["url"].endswith(f".{dedicated}.svc.cluster.local")
    assert _created(namespace) < _created(copy) < _created(template)
    plan = run_fnplan("plan", "--detailed-exitcode", cwd=project)
    assert "No changes" in plan.stdout
