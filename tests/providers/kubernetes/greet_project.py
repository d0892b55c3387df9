"""The project the workflow tests share (a function `hello`, a workflow `greet` calling it
twice, optional triggers) and reads of the objects it deploys, through the fake's API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.kube_fake.fixtures import KubeCluster
from tests.providers.kubernetes.knative_controller import Knative, call

PROVIDER = """
provider "kubernetes" {{
  kubeconfig = "{kubeconfig}"
  namespace  = "{namespace}"
}}
"""

PYTHON_RUNTIME = """
runtime "python" {{
  language = "python3.12"
  image    = "registry.example/fnplan-python:3.12"
}}
"""

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
    input    = {{ name = input.name, greeting = "{greeting}" }}
  }}
  step "again" {{
    function = function.hello
    input    = step.hello.output
  }}
}}
"""
)

TRIGGERS = """
event "uploaded" {
  type = "com.example.uploaded"
}

trigger "nightly" {
  schedule = "0 2 * * *"
  target   = workflow.greet
  input    = { name = "night" }
}

trigger "on_upload" {
  event  = event.uploaded
  target = function.hello
}
"""


@pytest.fixture
def project(tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str) -> Path:
    hello = tmp_path / "functions" / "hello"
    hello.mkdir(parents=True)
    (hello / "main.py").write_text("def handler(event, context):\n    return event\n")
    write_main(tmp_path, kube_cluster, kube_namespace, "hello")
    return tmp_path


def write_main(project: Path, cluster: KubeCluster, namespace: str, greeting: str) -> None:
    text = MAIN.format(kubeconfig=cluster.kubeconfig, namespace=namespace, greeting=greeting)
    (project / "main.hcl").write_text(text)


def templates(knative: Knative, namespace: str) -> list[dict[str, Any]]:
    found = call(
        knative.api, f"/apis/argoproj.io/v1alpha1/namespaces/{namespace}/workflowtemplates"
    )
    return sorted(found.get("items") or [], key=lambda t: t["metadata"]["name"])


def objects(knative: Knative, namespace: str, group: str, plural: str) -> list[dict[str, Any]]:
    return list(call(knative.api, f"/apis/{group}/namespaces/{namespace}/{plural}")["items"])
