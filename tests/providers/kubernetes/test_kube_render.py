"""`fnplan render --provider kubernetes` prints functions', events' and triggers' objects as
apply writes them (examples/kubernetes's test covers templates, PingSources and event
bindings); a function's env Secret with its values redacted."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import yaml
from cloudcoil.models.knative_serving.serving.v1 import Service

from tests.cli.conftest import run_fnplan
from tests.kube_fake.fixtures import KubeCluster
from tests.providers.kubernetes.greet_project import PROVIDER, PYTHON_RUNTIME
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

event "uploaded" {{
  type = "com.example.uploaded"
}}

trigger "on_upload" {{
  event  = event.uploaded
  target = function.hello
}}
"""
)


def test_render_prints_the_broker_and_trigger_as_applied(
    tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str, knative: Knative
) -> None:
    hello = tmp_path / "functions" / "hello"
    hello.mkdir(parents=True)
    (hello / "main.py").write_text("def handler(event, context):\n    return event\n")
    main = MAIN.format(kubeconfig=kube_cluster.kubeconfig, namespace=kube_namespace)
    (tmp_path / "main.hcl").write_text(main)
    run_fnplan("apply", "--auto-approve", cwd=tmp_path)
    rendered = run_fnplan("render", "--provider", "kubernetes", cwd=tmp_path).stdout
    documents = {d["kind"]: d for d in yaml.safe_load_all(rendered) if d}
    assert set(documents) == {"Broker", "Trigger", "Service", "ConfigMap", "Secret"}
    for kind, plural in (("Broker", "brokers"), ("Trigger", "triggers")):
        name = documents[kind]["metadata"]["name"]
        path = f"/apis/eventing.knative.dev/v1/namespaces/{kube_namespace}/{plural}/{name}"
        live = call(knative.api, path)
        assert documents[kind].get("spec") == live.get("spec")
        assert documents[kind]["metadata"]["labels"] == live["metadata"]["labels"]


FUNCTION = (
    PROVIDER
    + """
variable "api_key" {{
  type      = string
  sensitive = true
}}
"""
    + PYTHON_RUNTIME
    + """
function "hello" {{
  runtime = runtime.python
  source  = "./functions/hello"
  handler = "main.handler"
  env     = {{ API_KEY = var.api_key, LOG_LEVEL = "info" }}
  keep_versions = 1
  scaling {{
    max = 3
  }}
}}
"""
)
API_KEY = "s3cr3t-R3nder"
PATHS = {
    "Service": "/apis/serving.knative.dev/v1/namespaces/{namespace}/services/{name}",
    "ConfigMap": "/api/v1/namespaces/{namespace}/configmaps/{name}",
    "Secret": "/api/v1/namespaces/{namespace}/secrets/{name}",
}


def _render(project: Path) -> dict[str, dict[str, Any]]:
    """The rendered function objects by kind; no sensitive value anywhere in the output."""
    rendered = run_fnplan(
        "render", "--provider", "kubernetes", "--var", f"api_key={API_KEY}", cwd=project
    ).stdout
    assert API_KEY not in rendered
    assert base64.b64encode(API_KEY.encode()).decode() not in rendered
    return {d["kind"]: d for d in yaml.safe_load_all(rendered) if d}


def _assert_applied(
    knative: Knative, namespace: str, documents: dict[str, Any], ignored: frozenset[str]
) -> None:
    """What apply wrote is what render printed: specs, code, labels (but the `ignored`
    ones), the Secret's keys."""
    for kind, document in documents.items():
        path = PATHS[kind].format(namespace=namespace, name=document["metadata"]["name"])
        rendered, live = (_without(d, ignored) for d in (document, call(knative.api, path)))
        assert rendered["metadata"]["labels"] == live["metadata"]["labels"], kind
        assert rendered.get("spec") == live.get("spec"), kind
        if kind == "Secret":
            assert set(rendered["data"]) == set(live["data"]) == {"API_KEY", "LOG_LEVEL"}
        else:
            assert rendered.get("data") == live.get("data"), kind


def _without(value: Any, ignored: frozenset[str]) -> Any:
    """`value` without the `ignored` keys, at any depth."""
    if isinstance(value, dict):
        return {k: _without(v, ignored) for k, v in value.items() if k not in ignored}
    if isinstance(value, list):
        return [_without(v, ignored) for v in value]
    return value


def test_render_prints_the_function_service_code_and_redacted_env_as_applied(
    tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str, knative: Knative
) -> None:
    """Render, then apply, for a first version, a second and a third (keep_versions); the
    three `fnplan apply` processes are what takes this test seconds."""
    hello = tmp_path / "functions" / "hello"
    hello.mkdir(parents=True)
    (hello / "main.py").write_text("def handler(event, context):\n    return event\n")
    main = FUNCTION.format(kubeconfig=kube_cluster.kubeconfig, namespace=kube_namespace)
    (tmp_path / "main.hcl").write_text(main)

    first = _render(tmp_path)  # nothing live: the first revision
    assert set(first) == {"Service", "ConfigMap", "Secret"}
    Service.model_validate(first["Service"])
    assert first["Service"]["spec"]["template"]["metadata"]["name"].endswith("-v1")
    assert "REDACTED" in str(first["Secret"]["data"]["API_KEY"]).upper()
    run_fnplan("apply", "--auto-approve", "--var", f"api_key={API_KEY}", cwd=tmp_path)
    # the state's lineage label exists from the first apply on
    _assert_applied(knative, kube_namespace, first, frozenset({"fnplan.io/lineage"}))
    again = _render(tmp_path)  # the live version keeps its revision
    _assert_applied(knative, kube_namespace, again, frozenset())

    (hello / "main.py").write_text("def handler(event, context):\n    return [event]\n")
    second = _render(tmp_path)  # a new version: the next revision, both tagged
    Service.model_validate(second["Service"])
    traffic = second["Service"]["spec"]["traffic"]
    assert [(t["tag"], t["percent"]) for t in traffic] == [("v1", 0), ("v2", 100)]
    run_fnplan("apply", "--auto-approve", "--var", f"api_key={API_KEY}", cwd=tmp_path)
    _assert_applied(knative, kube_namespace, second, frozenset())

    (hello / "main.py").write_text("def handler(event, context):\n    return {}\n")
    third = _render(tmp_path)  # keep_versions = 1: v1 goes, v2 (serving until now) stays
    traffic = third["Service"]["spec"]["traffic"]
    assert [(t["tag"], t["percent"]) for t in traffic] == [("v2", 0), ("v3", 100)]
    run_fnplan("apply", "--auto-approve", "--var", f"api_key={API_KEY}", cwd=tmp_path)
    _assert_applied(knative, kube_namespace, third, frozenset())
