"""The kubernetes provider's client against the fake API server (or a real cluster when
$FNPLAN_TEST_KUBECONFIG is set): server-side apply, read, list, delete through finalizers,
Ready waits and API errors as ProviderError."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from fnplan.providers.kubernetes.client import KubeClient

from fnplan.errors import CallCancelled, ProviderError
from fnplan.provider_call import Call, run_in_call
from tests.kube_fake import set_condition
from tests.kube_fake.fixtures import KubeCluster


def _client(cluster: KubeCluster, namespace: str) -> KubeClient:
    return KubeClient.connect(str(cluster.kubeconfig), None, namespace)


def _config_map(namespace: str, data: dict[str, str], **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": namespace, "labels": labels},
        "data": data,
    }


def test_apply_creates_then_updates_as_field_manager_fnplan(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    client = _client(kube_cluster, kube_namespace)
    created = client.apply(_config_map(kube_namespace, {"a": "1", "b": "2"}, app="x"))
    assert created["data"] == {"a": "1", "b": "2"}
    updated = client.apply(_config_map(kube_namespace, {"a": "3"}, app="x"))
    # a field fnplan applied before and no longer applies is gone
    assert updated["data"] == {"a": "3"}
    assert int(updated["metadata"]["resourceVersion"]) > int(created["metadata"]["resourceVersion"])
    managers = {entry["manager"] for entry in updated["metadata"]["managedFields"]}
    assert managers == {"fnplan"}
    assert client.read("ConfigMap", "settings") == updated
    assert [o["metadata"]["name"] for o in client.list_objects("ConfigMap", {"app": "x"})] == [
        "settings"
    ]
    assert client.list_objects("ConfigMap", {"app": "y"}) == []


def test_read_of_a_missing_object_is_none(kube_cluster: KubeCluster, kube_namespace: str) -> None:
    assert _client(kube_cluster, kube_namespace).read("ConfigMap", "nothing") is None


def test_a_conflict_with_another_manager_is_reported_on_a_foreign_object(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    api = kube_cluster.api()
    body = _config_map(kube_namespace, {"a": "theirs"})
    api.call_api(
        f"/api/v1/namespaces/{kube_namespace}/configmaps",
        "POST",
        query_params=[("fieldManager", "kubectl")],
        body=body,
        auth_settings=["BearerToken"],
        _preload_content=False,
    )
    client = _client(kube_cluster, kube_namespace)
    with pytest.raises(ProviderError, match=r"conflict.*kubectl") as caught:
        client.apply(_config_map(kube_namespace, {"a": "ours"}))
    assert getattr(caught.value, "status", None) == 409


def test_fnplans_own_object_takes_its_fields_back(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    client = _client(kube_cluster, kube_namespace)
    ours = _config_map(kube_namespace, {"a": "ours"}, **{"fnplan.io/address": "abc"})
    client.apply(ours)
    patch = {"data": {"a": "edited"}}
    kube_cluster.api().call_api(
        f"/api/v1/namespaces/{kube_namespace}/configmaps/settings",
        "PATCH",
        query_params=[("fieldManager", "kubectl-edit")],
        header_params={"Content-Type": "application/merge-patch+json"},
        body=patch,
        auth_settings=["BearerToken"],
        _preload_content=False,
    )
    assert client.apply(ours)["data"] == {"a": "ours"}


def test_an_invalid_object_is_a_provider_error_with_the_apis_message(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    manifest = _config_map(kube_namespace, {})
    manifest["metadata"]["name"] = "Not_Valid"
    with pytest.raises(ProviderError, match=r"invalid: .*Not_Valid") as caught:
        _client(kube_cluster, kube_namespace).apply(manifest)
    assert getattr(caught.value, "status", None) == 422


def test_delete_waits_for_the_finalizers_with_progress(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    client = _client(kube_cluster, kube_namespace)
    manifest = _config_map(kube_namespace, {"a": "1"})
    manifest["metadata"]["finalizers"] = ["example.com/hold"]
    client.apply(manifest)
    waiting = threading.Event()
    call = Call("delete", "function.f", timeout=30, on_progress=lambda _c, _t: waiting.set())
    deleter = threading.Thread(
        target=run_in_call, args=(call, lambda: client.delete("ConfigMap", "settings"))
    )
    deleter.start()
    assert waiting.wait(10), "delete reported no progress"
    assert "example.com/hold" in call.last_progress
    found = client.read("ConfigMap", "settings")
    assert found is not None and found["metadata"].get("deletionTimestamp")
    manifest["metadata"]["finalizers"] = []
    client.apply(manifest)
    deleter.join(10)
    assert not deleter.is_alive()
    assert client.read("ConfigMap", "settings") is None
    client.delete("ConfigMap", "settings")  # already gone: nothing to do


def test_delete_held_by_a_finalizer_times_out(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    client = _client(kube_cluster, kube_namespace)
    manifest = _config_map(kube_namespace, {"a": "1"})
    manifest["metadata"]["finalizers"] = ["example.com/hold"]
    client.apply(manifest)
    call = Call("delete", "function.f", timeout=0.5)
    with pytest.raises(CallCancelled, match=r"timed out.*example\.com/hold"):
        run_in_call(call, lambda: client.delete("ConfigMap", "settings"))
    manifest["metadata"]["finalizers"] = []
    client.apply(manifest)


def _knative_service(namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": "serving.knative.dev/v1",
        "kind": "Service",
        "metadata": {"name": "fn", "namespace": namespace},
        "spec": {"template": {"spec": {"containers": [{"image": "example.com/fn:1"}]}}},
    }


def test_wait_ready_returns_once_ready_and_fails_with_the_conditions_reason(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    client = _client(kube_cluster, kube_namespace)
    client.apply(_knative_service(kube_namespace))
    path = f"/apis/serving.knative.dev/v1/namespaces/{kube_namespace}/services"
    api = kube_cluster.api()
    set_condition(api, path, "fn", "Ready", "False", "RevisionFailed", "image pull failed")
    with pytest.raises(ProviderError, match="not Ready: RevisionFailed: image pull failed"):
        run_in_call(Call("create", timeout=10), lambda: client.wait_ready("Service", "fn"))
    set_condition(api, path, "fn", "Ready", "True")
    ready = run_in_call(Call("create", timeout=10), lambda: client.wait_ready("Service", "fn"))
    assert ready["status"]["conditions"][0]["status"] == "True"
