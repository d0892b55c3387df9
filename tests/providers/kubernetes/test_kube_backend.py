"""The kubernetes state backend's own objects, against the fake API server (or a real cluster
when $FNPLAN_TEST_KUBECONFIG is set): the state Secret, the Lease and its holder, the journal
records, workspace names, the Secret size limit and resourceVersion preconditions.
(The behaviour every backend shares is the conformance suite's, tests/state/backends.)"""

from __future__ import annotations

import base64
import gzip
import json
import os
from typing import Any

import pytest
from fnplan.providers.kubernetes.state import KubeWorkspaces, open_kubernetes_backend
from fnplan.providers.kubernetes.state.api import Conflict, KubeApi

from fnplan.errors import ConfigError, LockError, StateError
from fnplan.state.model import ResourceState, State
from tests.kube_fake.fixtures import KubeCluster


def _workspaces(cluster: KubeCluster, namespace: str, **settings: Any) -> KubeWorkspaces:
    config = {
        "config_path": str(cluster.kubeconfig),
        "namespace": namespace,
        "secret_suffix": "shop",
    }
    return open_kubernetes_backend({**config, **settings}, None, cluster.kubeconfig.parent, 0.0)


def _state(count: int, size: int = 10) -> State:
    state = State()
    for index in range(count):
        address = f"function.f{index}"
        state.resources[address] = ResourceState(
            address=address,
            type="function",
            provider="local",
            attributes={"blob": os.urandom(size).hex()},
        )
    return state


def _labels(obj: dict[str, Any]) -> dict[str, str]:
    return dict(obj["metadata"].get("labels") or {})


def test_state_is_a_gzipped_secret_and_the_lock_a_lease_naming_its_holder(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    store = _workspaces(kube_cluster, kube_namespace)
    backend = store.state("default")
    api: KubeApi = backend.api
    state = _state(3)
    with backend.lock("apply") as info:
        lease = api.get("Lease", "fnplan-lock-default-shop")
        assert lease is not None and lease["spec"]["holderIdentity"] == info.id
        held = json.loads(lease["metadata"]["annotations"]["fnplan.io/lock"])
        assert (held["operation"], held["pid"]) == ("apply", os.getpid())
        assert _labels(lease)["fnplan.io/state-object"] == "lock"
        backend.write(state)
        journal = backend.journal(state)
        journal.intend("function.x", "create", None)
        records = api.matching("Secret", {"fnplan.io/state-object": "journal"})
        assert [r["metadata"]["name"] for r in records] == [
            "fnplan-journal-default-shop-000000000001",
            "fnplan-journal-default-shop-000000000002",
        ]
        journal.close()
    assert api.get("Lease", "fnplan-lock-default-shop") is None  # released
    secret = api.get("Secret", "fnplan-state-default-shop")
    assert secret is not None and secret["type"] == "Opaque"
    assert _labels(secret) == {
        "app.kubernetes.io/managed-by": "fnplan",
        "fnplan.io/state-suffix": "shop",
        "fnplan.io/state-workspace": "default",
        "fnplan.io/state-object": "state",
    }
    stored = json.loads(gzip.decompress(base64.b64decode(secret["data"]["state"])))
    assert stored["serial"] == 1 and set(stored["resources"]) == set(state.resources)


def test_a_lease_left_without_a_holder_is_taken_over(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    backend = _workspaces(kube_cluster, kube_namespace).state("default")
    idle = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "fnplan-lock-default-shop"}, "spec": {}}  # fmt: skip
    backend.api.create("Lease", idle)
    with backend.lock("apply") as info:
        assert backend.current_lock() == info


def test_a_lease_held_by_something_else_is_named_not_broken(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    backend = _workspaces(kube_cluster, kube_namespace).state("default")
    foreign = {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
               "metadata": {"name": "fnplan-lock-default-shop"},
               "spec": {"holderIdentity": "controller-7"}}  # fmt: skip
    backend.api.create("Lease", foreign)
    with pytest.raises(LockError, match="'controller-7', which is not a fnplan lock") as caught:
        backend.lock("apply").__enter__()
    assert "kubectl delete lease fnplan-lock-default-shop" in caught.value.render()
    assert backend.api.get("Lease", "fnplan-lock-default-shop") is not None


def test_a_state_too_big_for_a_secret_is_refused_before_anything_is_written(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    backend = _workspaces(kube_cluster, kube_namespace).state("default")
    backend.write(_state(2))
    with pytest.raises(StateError, match="more than a Kubernetes Secret holds") as caught:
        backend.write(_state(4, size=200_000))  # random bytes: gzip cannot shrink them
    assert "s3 or pg backend" in caught.value.render()
    assert backend.read().serial == 1
    assert backend.api.get("Secret", "fnplan-backup-default-shop") is None


def test_workspace_names_kubernetes_refuses_are_folded_and_listed_as_given(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    store = _workspaces(kube_cluster, kube_namespace)
    store.new("Team_A")
    store.new("team-a")
    assert store.list() == ["Team_A", "default", "team-a"]
    folded = store.state("Team_A").objects.state
    assert folded.startswith("fnplan-state-team-a-") and folded.endswith("-shop")
    store.state("Team_A").write(_state(1))
    assert store.state("team-a").read().resources == {}
    other_suffix = _workspaces(kube_cluster, kube_namespace, secret_suffix="blog")
    assert other_suffix.list() == ["default"]
    store.delete("Team_A")
    assert store.list() == ["default", "team-a"]


def test_delete_with_a_stale_resource_version_is_a_conflict(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    api = _workspaces(kube_cluster, kube_namespace).state("default").api
    body = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {}}
    created = api.create("Secret", body)
    version = created["metadata"]["resourceVersion"]
    api.replace("Secret", {**body, "data": {"k": "dg=="}})
    with pytest.raises(Conflict):
        api.delete("Secret", "s", version=version)
    with pytest.raises(Conflict):
        api.create("Secret", body)
    assert api.delete("Secret", "s") is True
    assert api.delete("Secret", "s") is False


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"bucket": "x"}, "unknown setting 'bucket'"),
        ({"secret_suffix": "Not_DNS"}, "secret_suffix must be a short DNS label"),
        ({"namespace": "a b"}, "namespace must be a namespace name"),
        ({"in_cluster": "yes"}, "in_cluster must be true or false"),
        ({"config_path": "missing/kubeconfig"}, "cannot load the cluster configuration"),
    ],
)
def test_backend_settings_are_checked(
    kube_cluster: KubeCluster, settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        _workspaces(kube_cluster, **{"namespace": "default", **settings})
