"""Runtimes and functions on the kubernetes provider through the CLI, against the fake API
server (a controller thread plays Knative: it sets each Service's Ready condition)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Runner, assert_clean_error, run_fnplan
from tests.kube_fake.fixtures import KubeCluster

MAIN = """
provider "kubernetes" {{
  kubeconfig = "{kubeconfig}"
  namespace  = "{namespace}"
}}

runtime "python" {{
  language = "python3.12"
  {image}
}}

function "hello" {{
  runtime = runtime.python
  source  = "./functions/hello"
  handler = "main.handler"
  memory  = {memory}
  keep_versions = 5
  rollout {{
    strategy = "canary"
    steps    = [25, 75]
    interval = "{interval}"
  }}
}}
"""


class Knative:
    """Plays Knative's controller: every Service in the namespace gets the Ready condition
    `status` (with `reason`/`message`), polled until stopped."""

    def __init__(self, cluster: KubeCluster, namespace: str) -> None:
        self.api = cluster.api()
        self.path = f"/apis/serving.knative.dev/v1/namespaces/{namespace}/services"
        self.verdict = ("True", "", "")
        self.stop = threading.Event()
        #: every distinct traffic split seen, in order (rollouts move it in steps)
        self.splits: list[list[int]] = []
        self.thread = threading.Thread(target=self._run, daemon=True)

    def call(self, method: str, path: str, body: Any = None, patch: bool = False) -> Any:
        """One request with the official client; the decoded answer."""
        kind = "application/merge-patch+json" if patch else "application/json"
        response = self.api.call_api(
            path,
            method,
            header_params={"Content-Type": kind, "Accept": "application/json"},
            body=body,
            auth_settings=["BearerToken"],
            _preload_content=False,
        )
        return json.loads(response.data or b"{}")

    def services(self) -> list[dict[str, Any]]:
        return list(self.call("GET", self.path).get("items") or [])

    def _run(self) -> None:
        while not self.stop.wait(0.05):
            status, reason, message = self.verdict
            wanted = {"type": "Ready", "status": status, "reason": reason, "message": message}
            for service in self.services():
                split = [t["percent"] for t in service["spec"].get("traffic") or []]
                if not self.splits or self.splits[-1] != split:
                    self.splits.append(split)
                conditions = (service.get("status") or {}).get("conditions") or []
                if conditions != [wanted]:
                    path = f"{self.path}/{service['metadata']['name']}/status"
                    self.call("PATCH", path, {"status": {"conditions": [wanted]}}, patch=True)


@pytest.fixture
def knative(kube_cluster: KubeCluster, kube_namespace: str) -> Iterator[Knative]:
    if not kube_cluster.fake:
        pytest.skip("a real cluster runs Knative's own controller")
    controller = Knative(kube_cluster, kube_namespace)
    controller.thread.start()
    yield controller
    controller.stop.set()
    controller.thread.join(timeout=10)
    controller.api.close()


@pytest.fixture
def fnplan() -> Runner:
    return run_fnplan


@pytest.fixture
def project(tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str) -> Path:
    hello = tmp_path / "functions" / "hello"
    hello.mkdir(parents=True)
    (hello / "main.py").write_text("def handler(event, context):\n    return event\n")
    write_main(tmp_path, kube_cluster, kube_namespace)
    return tmp_path


def write_main(
    project: Path,
    cluster: KubeCluster,
    namespace: str,
    *,
    memory: int = 256,
    image: bool = True,
    interval: str = "1ms",
) -> None:
    line = 'image = "registry.example/fnplan-python:3.12"' if image else ""
    (project / "main.hcl").write_text(
        MAIN.format(
            kubeconfig=cluster.kubeconfig,
            namespace=namespace,
            image=line,
            memory=memory,
            interval=interval,
        )
    )


def test_apply_deploys_a_tagged_revision_and_plans_no_changes_after(
    fnplan: Runner, project: Path, knative: Knative
) -> None:
    fnplan("apply", "--auto-approve", cwd=project)
    (service,) = knative.services()
    name = service["metadata"]["name"]
    assert service["spec"]["template"]["metadata"]["name"] == f"{name}-v1"
    assert service["spec"]["traffic"] == [
        {"revisionName": f"{name}-v1", "tag": "v1", "percent": 100}
    ]
    assert "fnplan.io/address" in service["metadata"]["labels"]
    plan = fnplan("plan", "--detailed-exitcode", cwd=project)
    assert "No changes" in plan.stdout


def test_version_bump_adds_one_revision_and_one_tag(
    fnplan: Runner,
    project: Path,
    knative: Knative,
    kube_cluster: KubeCluster,
    kube_namespace: str,
) -> None:
    fnplan("apply", "--auto-approve", cwd=project)
    write_main(project, kube_cluster, kube_namespace, memory=512)
    fnplan("apply", "--auto-approve", cwd=project)
    (service,) = knative.services()
    name = service["metadata"]["name"]
    assert service["spec"]["template"]["metadata"]["name"] == f"{name}-v2"
    assert service["spec"]["traffic"] == [
        {"revisionName": f"{name}-v1", "tag": "v1", "percent": 0},
        {"revisionName": f"{name}-v2", "tag": "v2", "percent": 100},
    ]
    fnplan("plan", "--detailed-exitcode", cwd=project)


def test_a_new_version_takes_traffic_in_the_rollout_steps(
    fnplan: Runner,
    project: Path,
    knative: Knative,
    kube_cluster: KubeCluster,
    kube_namespace: str,
) -> None:
    fnplan("apply", "--auto-approve", cwd=project)
    write_main(project, kube_cluster, kube_namespace, memory=384, interval="1s")
    knative.splits.clear()
    fnplan("apply", "--auto-approve", cwd=project)
    # each step holds for the interval, long enough for the controller to see it
    assert knative.splits[-3:] == [[75, 25], [25, 75], [0, 100]]


def test_drift_on_fnplans_fields_is_planned_back(
    fnplan: Runner, project: Path, knative: Knative
) -> None:
    fnplan("apply", "--auto-approve", cwd=project)
    (service,) = knative.services()
    limits = service["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]
    limits["memory"] = "1024Mi"
    knative.call("PUT", f"{knative.path}/{service['metadata']['name']}", service)
    plan = fnplan("plan", "--detailed-exitcode", cwd=project, check=2)
    assert "function.hello" in plan.stdout and "memory" in plan.stdout


def test_a_revision_that_fails_is_a_clear_error(
    fnplan: Runner, project: Path, knative: Knative
) -> None:
    knative.verdict = ("False", "RevisionFailed", "failed to pull image")
    result = fnplan("apply", "--auto-approve", cwd=project, check=1)
    assert_clean_error(result, "is not Ready", "RevisionFailed", "failed to pull image")


def test_runtime_without_image_is_built_from_its_rendered_context(
    fnplan: Runner, project: Path, kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    write_main(project, kube_cluster, kube_namespace, image=False)
    warned = fnplan("validate", cwd=project)
    assert "names no `image`" in warned.stdout + warned.stderr
    fnplan("render", "--provider", "kubernetes", "--out", "built", cwd=project)
    context = project / "built" / "runtime.python"
    dockerfile = (context / "Dockerfile").read_text()
    assert dockerfile.startswith("FROM python:3.12-slim\n")
    assert "def load_handler" in (context / "server.py").read_text()
    note = (project / "built" / "function.hello" / "Service.yaml").read_text()
    assert "# not rendered:" in note and "names no `image`" in note
    result = fnplan("apply", "--auto-approve", cwd=project, check=1)
    assert_clean_error(result, "names no `image`", "fnplan render")


def test_code_too_large_for_a_config_map_fails_validate(fnplan: Runner, project: Path) -> None:
    (project / "functions" / "hello" / "model.bin").write_bytes(b"0" * (1024 * 1024))
    result = fnplan("validate", cwd=project, check=1)
    assert_clean_error(result, "main.hcl:", "a ConfigMap can carry", "KiB")
