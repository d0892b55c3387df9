"""Fixtures for the kubernetes provider's tests: the fake API server per session (a real
cluster when $FNPLAN_TEST_KUBECONFIG is set), a namespace per test, and Knative's controller
played by a thread on the fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.kube_fake.fixtures import KubeCluster, kube_cluster, kube_namespace
from tests.providers.kubernetes.knative_controller import Knative, knative_controller

__all__ = ["kube_cluster", "kube_namespace"]


@pytest.fixture
def knative(kube_cluster: KubeCluster, kube_namespace: str) -> Iterator[Knative]:
    """Knative's controller on the fake; the test is skipped on a real cluster."""
    if not kube_cluster.fake:
        pytest.skip("a real cluster runs Knative's own controller")
    with knative_controller(kube_cluster, kube_namespace) as controller:
        yield controller


@pytest.fixture
def knative_if_fake(kube_cluster: KubeCluster, kube_namespace: str) -> Iterator[Knative | None]:
    """Knative's controller on the fake; None on a real cluster, which runs its own."""
    if not kube_cluster.fake:
        yield None
        return
    with knative_controller(kube_cluster, kube_namespace) as controller:
        yield controller
