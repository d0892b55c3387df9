"""Knative's controller played by a thread on the fake API server (a real cluster runs
Knative's own): Services become Ready and get the Revision of their template, in the test's
namespace and in the namespaces fnplan made for dedicated workflows."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.kube_fake import set_condition
from tests.kube_fake.fixtures import KubeCluster

SERVING = "/apis/serving.knative.dev/v1"
#: the label fnplan puts on a dedicated workflow's namespace
WORKFLOW_LABEL = "fnplan.io/workflow"


def call(api: Any, path: str, method: str = "GET", body: Any = None) -> Any:
    """One raw API call (the tests' own, beside the provider's), its JSON answer."""
    response = api.call_api(
        path, method, body=body, auth_settings=["BearerToken"], _preload_content=False
    )
    response = response[0] if isinstance(response, tuple) else response
    return json.loads(response.data or b"null")


class Knative:
    """Plays Knative's controller: each Service is Ready and gets the Revision of its
    template (with the template's labels, as Knative copies them); a Revision whose Service
    is gone goes too (Knative's owner references)."""

    def __init__(self, cluster: KubeCluster, namespace: str) -> None:
        self.api = cluster.api()
        self.namespace = namespace
        self.dedicated: set[str] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def services(self, namespace: str | None = None) -> list[dict[str, Any]]:
        path = f"{SERVING}/namespaces/{namespace or self.namespace}/services"
        return list(call(self.api, path).get("items") or [])

    def namespaces(self) -> list[str]:
        """The test's namespace and the dedicated workflows' ones fnplan made (still after
        their deletion: the fake deletes no namespace's contents, Kubernetes does)."""
        found = call(self.api, f"/api/v1/namespaces?labelSelector={WORKFLOW_LABEL}")
        self.dedicated |= {n["metadata"]["name"] for n in found.get("items") or []}
        return [self.namespace, *sorted(self.dedicated)]

    def _run(self) -> None:
        while not self.stop.wait(0.05):
            for namespace in self.namespaces():
                self._reconcile(namespace)

    def _reconcile(self, namespace: str) -> None:
        base = f"{SERVING}/namespaces/{namespace}"
        services = self.services(namespace)
        revisions = call(self.api, f"{base}/revisions").get("items") or []
        for service in services:
            template = service["spec"]["template"]["metadata"]
            if template["name"] not in {r["metadata"]["name"] for r in revisions}:
                revision = {
                    "apiVersion": "serving.knative.dev/v1",
                    "kind": "Revision",
                    "metadata": {"name": template["name"], "labels": template["labels"]},
                }
                call(self.api, f"{base}/revisions", "POST", revision)
            if not (service.get("status") or {}).get("conditions"):
                name = service["metadata"]["name"]
                set_condition(self.api, f"{base}/services", name, "Ready", "True")
        names = {s["metadata"]["name"] for s in services}
        for revision in revisions:
            owner = revision["metadata"]["name"].rsplit("-v", 1)[0]
            if owner not in names:
                call(self.api, f"{base}/revisions/{revision['metadata']['name']}", "DELETE")


@contextmanager
def knative_controller(cluster: KubeCluster, namespace: str) -> Iterator[Knative]:
    """The controller thread running for the duration of the block."""
    controller = Knative(cluster, namespace)
    controller.thread.start()
    try:
        yield controller
    finally:
        controller.stop.set()
        controller.thread.join(timeout=10)
        controller.api.close()
