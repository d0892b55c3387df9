"""`fnplan render --provider kubernetes` prints events' and triggers' objects as apply
writes them (examples/kubernetes's test covers templates, PingSources and event bindings)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.cli.conftest import run_fnplan
from tests.kube_fake.fixtures import KubeCluster
from tests.providers.kubernetes.knative_controller import Knative, call, knative_controller

MAIN = """
provider "kubernetes" {{
  kubeconfig = "{kubeconfig}"
  namespace  = "{namespace}"
}}

runtime "python" {{
  language = "python3.12"
  image    = "registry.example/fnplan-python:3.12"
}}

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


@pytest.fixture
def knative(kube_cluster: KubeCluster, kube_namespace: str) -> Iterator[Knative]:
    if not kube_cluster.fake:
        pytest.skip("a real cluster runs Knative's own controller")
    with knative_controller(kube_cluster, kube_namespace) as controller:
        yield controller


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
    assert set(documents) == {"Broker", "Trigger"}
    for kind, plural in (("Broker", "brokers"), ("Trigger", "triggers")):
        name = documents[kind]["metadata"]["name"]
        path = f"/apis/eventing.knative.dev/v1/namespaces/{kube_namespace}/{plural}/{name}"
        live = call(knative.api, path)
        assert documents[kind].get("spec") == live.get("spec")
        assert documents[kind]["metadata"]["labels"] == live["metadata"]["labels"]
