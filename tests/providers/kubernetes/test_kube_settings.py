"""Provider settings that reach the manifests: the runner image values steps run in, and the
Argo Server URL workflow triggers post events to (their defaults, and set in the block)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.kube_fake.fixtures import KubeCluster
from tests.providers.kubernetes.greet_project import MAIN, objects, templates
from tests.providers.kubernetes.knative_controller import Knative

TRIGGER = """
trigger "nightly" {
  schedule = "0 2 * * *"
  target   = workflow.greet
}
"""


def _deploy(project: Path, cluster: KubeCluster, namespace: str, settings: str) -> None:
    main = MAIN.format(kubeconfig=cluster.kubeconfig, namespace=namespace, greeting="hi")
    main = main.replace(f'namespace  = "{namespace}"', f'namespace  = "{namespace}"\n{settings}')
    hello = project / "functions" / "hello"
    hello.mkdir(parents=True)
    (hello / "main.py").write_text("def handler(event, context):\n    return event\n")
    (project / "main.hcl").write_text(main + TRIGGER)
    run_fnplan("apply", "--auto-approve", cwd=project)


def _values_image(template: dict[str, Any]) -> str:
    (image,) = {t["script"]["image"] for t in template["spec"]["templates"] if "script" in t}
    return str(image)


@pytest.mark.parametrize(
    ("settings", "image", "server"),
    [
        ("", "ghcr.io/fnplan/runner:latest", "http://argo-server.argo.svc.cluster.local:2746"),
        (
            '  runner_image = "registry.local/runner:7"\n'
            '  argo_server_url = "https://argo.example.net/"\n',
            "registry.local/runner:7",
            "https://argo.example.net",
        ),
    ],
)
def test_runner_image_and_argo_server_url_are_settings(
    tmp_path: Path,
    kube_cluster: KubeCluster,
    kube_namespace: str,
    knative: Knative,
    settings: str,
    image: str,
    server: str,
) -> None:
    _deploy(tmp_path, kube_cluster, kube_namespace, settings)
    (template,) = templates(knative, kube_namespace)
    assert _values_image(template) == image
    (ping,) = objects(knative, kube_namespace, "sources.knative.dev/v1", "pingsources")
    assert ping["spec"]["sink"]["uri"].startswith(f"{server}/api/v1/events/{kube_namespace}/")


def test_an_argo_server_url_that_is_not_http_is_refused_where_it_is(tmp_path: Path) -> None:
    (tmp_path / "main.hcl").write_text(
        'provider "kubernetes" {\n  argo_server_url = "argo-server:2746"\n}\n'
    )
    result = run_fnplan("validate", cwd=tmp_path, check=None)
    assert_clean_error(result, "main.hcl:2:", "argo_server_url")
