"""The fake API server behaves as the API server does where fnplan relies on it: discovery
for the official DynamicClient, optimistic concurrency, selectors, the status subresource.
These run against a real cluster too when $FNPLAN_TEST_KUBECONFIG is set."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kubernetes.client.exceptions import ApiException

from tests.kube_fake.fixtures import KubeCluster


def _call(api: Any, method: str, path: str, body: Any = None, **headers: str) -> Any:
    response = api.call_api(
        path,
        method,
        body=body,
        header_params=headers or None,
        auth_settings=["BearerToken"],
        _preload_content=False,
    )
    return json.loads(response.data)


def _config_map(name: str, **labels: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "labels": labels}}


def test_the_dynamic_client_discovers_every_kind_fnplan_uses(kube_cluster: KubeCluster) -> None:
    from kubernetes.dynamic import DynamicClient

    dynamic = DynamicClient(kube_cluster.api())
    for api_version, kind in [
        ("v1", "Secret"),
        ("coordination.k8s.io/v1", "Lease"),
        ("serving.knative.dev/v1", "Service"),
        ("eventing.knative.dev/v1", "Trigger"),
        ("sources.knative.dev/v1", "PingSource"),
        ("argoproj.io/v1alpha1", "WorkflowTemplate"),
    ]:
        assert dynamic.resources.get(api_version=api_version, kind=kind).namespaced


def test_a_stale_resource_version_is_a_conflict(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    api, path = kube_cluster.api(), f"/api/v1/namespaces/{kube_namespace}/configmaps"
    created = _call(api, "POST", path, _config_map("c"))
    first = dict(created, data={"a": "1"})
    _call(api, "PUT", f"{path}/c", first)
    stale = dict(created, data={"a": "2"})  # still the resourceVersion of the creation
    with pytest.raises(ApiException) as caught:
        _call(api, "PUT", f"{path}/c", stale)
    assert caught.value.status == 409
    assert _call(api, "GET", f"{path}/c")["data"] == {"a": "1"}


def test_creating_twice_conflicts_and_a_missing_namespace_is_not_found(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    api, path = kube_cluster.api(), f"/api/v1/namespaces/{kube_namespace}/configmaps"
    _call(api, "POST", path, _config_map("c"))
    with pytest.raises(ApiException) as twice:
        _call(api, "POST", path, _config_map("c"))
    assert twice.value.status == 409
    with pytest.raises(ApiException) as nowhere:
        _call(api, "POST", "/api/v1/namespaces/no-such-ns-x1/configmaps", _config_map("c"))
    assert nowhere.value.status == 404


def test_label_selectors(kube_cluster: KubeCluster, kube_namespace: str) -> None:
    api, path = kube_cluster.api(), f"/api/v1/namespaces/{kube_namespace}/configmaps"
    _call(api, "POST", path, _config_map("a", tier="web", ws="dev"))
    _call(api, "POST", path, _config_map("b", tier="db"))
    _call(api, "POST", path, _config_map("c"))

    def names(selector: str) -> list[str]:
        found = _call(api, "GET", f"{path}?labelSelector={selector}")
        return sorted(item["metadata"]["name"] for item in found["items"])

    assert names("tier%3Dweb") == ["a"]
    assert names("tier%21%3Dweb") == ["b", "c"]
    assert names("tier") == ["a", "b"]
    assert names("%21tier") == ["c"]
    assert names("tier%3Dweb,ws%3Ddev") == ["a"]


def test_the_status_subresource_changes_only_the_status(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    api = kube_cluster.api()
    path = f"/apis/argoproj.io/v1alpha1/namespaces/{kube_namespace}/workflows"
    body = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"name": "run-1"},
        "spec": {"entrypoint": "main"},
    }
    created = _call(api, "POST", path, body)
    patch = {"spec": {"entrypoint": "other"}, "status": {"phase": "Succeeded"}}
    merge = {"Content-Type": "application/merge-patch+json"}
    after = _call(api, "PATCH", f"{path}/run-1/status", patch, **merge)
    assert after["status"] == {"phase": "Succeeded"}
    assert after["spec"] == {"entrypoint": "main"}
    assert after["metadata"]["generation"] == created["metadata"]["generation"]
