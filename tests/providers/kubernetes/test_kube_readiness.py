"""Readiness after a change: a Ready condition the controller reported for an older
generation (status.observedGeneration behind metadata.generation) is not readiness of the
new spec; KubeClient.wait_ready waits for the controller to catch up."""

from __future__ import annotations

import threading
import time
from typing import Any

from fnplan.providers.kubernetes.client import KubeClient

from fnplan.provider_call import Call, run_in_call
from tests.kube_fake.fixtures import KubeCluster, fake_only


def _service(namespace: str, image: str) -> dict[str, Any]:
    return {
        "apiVersion": "serving.knative.dev/v1",
        "kind": "Service",
        "metadata": {"name": "fn", "namespace": namespace},
        "spec": {"template": {"spec": {"containers": [{"image": image}]}}},
    }


def _ready(api: Any, namespace: str, generation: int) -> None:
    """The controller's status for `generation`: Ready."""
    status = {
        "observedGeneration": generation,
        "conditions": [{"type": "Ready", "status": "True", "reason": "", "message": ""}],
    }
    api.call_api(
        f"/apis/serving.knative.dev/v1/namespaces/{namespace}/services/fn/status",
        "PATCH",
        header_params={"Content-Type": "application/merge-patch+json"},
        body={"status": status},
        auth_settings=["BearerToken"],
        _preload_content=False,
    )


def test_a_ready_condition_of_an_older_generation_is_waited_past(
    kube_cluster: KubeCluster, kube_namespace: str
) -> None:
    fake_only(kube_cluster)  # a real controller sets the status itself
    client = KubeClient.connect(str(kube_cluster.kubeconfig), None, kube_namespace)
    api = kube_cluster.api()
    try:
        first = client.apply(_service(kube_namespace, "example.com/fn:1"))
        _ready(api, kube_namespace, first["metadata"]["generation"])
        changed = client.apply(_service(kube_namespace, "example.com/fn:2"))
        generation = changed["metadata"]["generation"]
        assert generation > first["metadata"]["generation"]

        waiting = threading.Event()
        call = Call("update", timeout=30, on_progress=lambda _call, _text: waiting.set())
        found: list[dict[str, Any]] = []
        waiter = threading.Thread(
            target=lambda: found.append(
                run_in_call(call, lambda: client.wait_ready("Service", "fn"))
            )
        )
        waiter.start()
        deadline = time.monotonic() + 20
        while waiter.is_alive() and not waiting.wait(0.05) and time.monotonic() < deadline:
            pass
        assert waiting.is_set(), "wait_ready took a stale Ready for the new spec"
        _ready(api, kube_namespace, generation)
        waiter.join(timeout=20)
        assert found and found[0]["status"]["observedGeneration"] == generation
    finally:
        client.close()
        api.close()
