"""pytest fixtures: a Kubernetes API per session (the fake, or the real cluster at
$FNPLAN_TEST_KUBECONFIG) and a fresh namespace per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .server import fake_api_server

#: a kubeconfig of a real cluster to run the same tests against (the fake otherwise)
REAL_CLUSTER = "FNPLAN_TEST_KUBECONFIG"


@dataclass(frozen=True, slots=True)
class KubeCluster:
    """Where the tests' API server is: its kubeconfig, and whether it is the fake."""

    kubeconfig: Path
    fake: bool

    def api(self) -> Any:
        """A kubernetes.client.ApiClient for the tests' own calls (set_condition, checks)."""
        from kubernetes import client, config

        configuration = client.Configuration()
        config.load_kube_config(
            config_file=str(self.kubeconfig), client_configuration=configuration
        )
        return client.ApiClient(configuration)


@pytest.fixture(scope="session")
def kube_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeCluster]:
    real = os.environ.get(REAL_CLUSTER)
    if real:
        yield KubeCluster(Path(real), fake=False)
        return
    kubeconfig = tmp_path_factory.mktemp("kube") / "kubeconfig"
    with fake_api_server(kubeconfig):
        yield KubeCluster(kubeconfig, fake=True)


@pytest.fixture
def kube_namespace(kube_cluster: KubeCluster) -> Iterator[str]:
    """A namespace of its own for one test, deleted afterwards."""
    name = f"t-{uuid.uuid4().hex[:10]}"
    api = kube_cluster.api()
    body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
    api.call_api(
        "/api/v1/namespaces",
        "POST",
        body=body,
        auth_settings=["BearerToken"],
        _preload_content=False,
    )
    try:
        yield name
    finally:
        api.call_api(
            f"/api/v1/namespaces/{name}",
            "DELETE",
            auth_settings=["BearerToken"],
            _preload_content=False,
        )
        api.close()


def fake_only(cluster: KubeCluster) -> None:
    """Skip a test of the fake's own behaviour when the tests run against a real cluster."""
    if not cluster.fake:
        pytest.skip(f"checks the fake API server itself (${REAL_CLUSTER} is set)")
