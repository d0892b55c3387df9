"""The few API calls the kubernetes state backend makes, on the official client.

Secrets and Leases of one namespace: read, create (409 when it exists), replace on a
resourceVersion (409 when it changed), delete on a resourceVersion precondition, list by
labels. Conflicts are `Conflict`, the compare-and-swap the backend builds on; every other
failure is a StateError naming the namespace, never a traceback.
"""

from __future__ import annotations

import json
from typing import Any

from fnplan.errors import StateError

Obj = dict[str, Any]
#: where each kind the backend uses lives, below /namespaces/NAMESPACE
_PATHS = {"Secret": "/api/v1", "Lease": "/apis/coordination.k8s.io/v1"}
_PLURALS = {"Secret": "secrets", "Lease": "leases"}
_HINTS = {
    401: "the credentials of the kubeconfig's context were refused",
    403: "the identity in use needs get, list, create, update and delete on secrets and "
    "leases (coordination.k8s.io) in this namespace (docs/state.md has a Role)",
}


class Conflict(Exception):
    """A create found the object there, or a replace or delete found another version."""


class KubeApi:
    """Secrets and Leases in one namespace, through a kubernetes.client.ApiClient."""

    def __init__(self, api: Any, namespace: str) -> None:
        self.api = api
        self.namespace = namespace
        self.description = f"kubernetes namespace {namespace}"

    def get(self, kind: str, name: str) -> Obj | None:
        """The object, or None when there is none."""
        return self._call("GET", f"{self._collection(kind)}/{name}", missing_ok=True)

    def create(self, kind: str, body: Obj) -> Obj:
        """Create the object; Conflict when one of that name exists."""
        created = self._call("POST", self._collection(kind), body=body)
        assert created is not None
        return created

    def replace(self, kind: str, body: Obj) -> Obj:
        """Replace the object if it is still at body's metadata.resourceVersion; else Conflict
        (also when it is gone)."""
        name = body["metadata"]["name"]
        replaced = self._call("PUT", f"{self._collection(kind)}/{name}", body=body, missing_ok=True)
        if replaced is None:
            raise Conflict(name)
        return replaced

    def delete(self, kind: str, name: str, *, version: str | None = None) -> bool:
        """Delete the object (only at resourceVersion `version` when given: else Conflict);
        False when it was gone already."""
        options: Obj = {"kind": "DeleteOptions", "apiVersion": "v1"}
        if version is not None:
            options["preconditions"] = {"resourceVersion": version}
        path = f"{self._collection(kind)}/{name}"
        return self._call("DELETE", path, body=options, missing_ok=True) is not None

    def matching(self, kind: str, labels: dict[str, str]) -> list[Obj]:
        """The objects whose labels include `labels`, by name."""
        selector = ",".join(f"{key}={value}" for key, value in sorted(labels.items()))
        found = self._call("GET", self._collection(kind), query=[("labelSelector", selector)])
        items = list((found or {}).get("items") or [])
        return sorted(items, key=lambda item: str(item["metadata"]["name"]))

    def close(self) -> None:
        self.api.close()

    def _collection(self, kind: str) -> str:
        return f"{_PATHS[kind]}/namespaces/{self.namespace}/{_PLURALS[kind]}"

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Obj | None = None,
        query: list[tuple[str, str]] | None = None,
        missing_ok: bool = False,
    ) -> Obj | None:
        """One request: the decoded answer; None for a 404 when `missing_ok`."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            response = self.api.call_api(
                path,
                method,
                query_params=query or [],
                header_params={"Accept": "application/json", "Content-Type": "application/json"},
                body=body,
                auth_settings=["BearerToken"],
                _preload_content=False,
            )
            return dict(json.loads(response.data or b"{}"))
        except ApiException as exc:
            if exc.status == 404 and missing_ok:
                return None
            if exc.status == 409:
                raise Conflict(path) from None
            raise self._error(method, path, exc.status, exc.body) from None
        except HTTPError as exc:
            raise StateError(
                f"{self.description}: cannot reach the API server: {exc}",
                hint="check config_path and context in the backend block, and the cluster",
            ) from None

    def _error(self, method: str, path: str, status: int, body: Any) -> StateError:
        try:
            message = str(json.loads(body).get("message", ""))
        except (TypeError, ValueError, AttributeError):
            message = str(body or "")[:300]
        hint = _HINTS.get(status)
        if status == 404 and method == "POST":
            hint = f"create the namespace first: kubectl create namespace {self.namespace}"
        return StateError(
            f"{self.description}: {method} {path}: HTTP {status}: {message}", hint=hint
        )


def connect(
    config_path: str | None, context: str | None, in_cluster: bool, namespace: str
) -> KubeApi:
    """An API client from the kubeconfig (`config_path`, else $KUBECONFIG or ~/.kube/config)
    and `context`, or from the pod's service account when `in_cluster`. ValueError with the
    loader's message when the configuration cannot be loaded."""
    from kubernetes import client, config
    from kubernetes.config.config_exception import ConfigException

    configuration = client.Configuration()
    try:
        if in_cluster:
            config.load_incluster_config(client_configuration=configuration)
        else:
            config.load_kube_config(
                config_file=config_path, context=context, client_configuration=configuration
            )
    except (ConfigException, OSError) as exc:
        raise ValueError(str(exc)) from None
    return KubeApi(client.ApiClient(configuration), namespace)
