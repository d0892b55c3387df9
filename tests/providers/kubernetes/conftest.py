"""Fixtures for the kubernetes provider's tests: the fake API server per session (a real
cluster when $FNPLAN_TEST_KUBECONFIG is set) and a namespace per test."""

from __future__ import annotations

from tests.kube_fake.fixtures import kube_cluster, kube_namespace

__all__ = ["kube_cluster", "kube_namespace"]
