"""KubeClient: the few calls fnplan makes to a Kubernetes API server, on the official client.

apply      server-side apply (field manager "fnplan"); a conflict with another manager is
           forced only on objects fnplan owns (its fnplan.io/address label), else reported
read       one object, or None when it is gone
delete     foreground propagation, then waits until the finalizers let the object go
wait_ready until the object's Ready condition is True; its reason and message on failure
list_objects  objects of a kind by label selector

Paths are built from each manifest's apiVersion and kind (KINDS below), so the client needs
no discovery round trip. API errors become ProviderError: 404 gone, 409 conflict, 422
invalid, each with the API server's own message.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from fnplan.errors import ProviderError
from fnplan.provider import current_call

from .ownership import ADDRESS_LABEL

FIELD_MANAGER = "fnplan"
_APPLY = "application/apply-patch+yaml"
#: how often waits poll the API server (seconds)
POLL = 0.2


@dataclass(frozen=True, slots=True)
class Kind:
    """Where a kind's objects live in the API."""

    api_version: str
    plural: str
    namespaced: bool = True

    def collection(self, namespace: str | None) -> str:
        """The URL path of the kind's objects (in `namespace` when namespaced)."""
        base = "/api/v1" if self.api_version == "v1" else f"/apis/{self.api_version}"
        if self.namespaced and namespace:
            return f"{base}/namespaces/{namespace}/{self.plural}"
        return f"{base}/{self.plural}"


#: the kinds fnplan manages (the fake API server serves the same list)
KINDS: dict[str, Kind] = {
    "Namespace": Kind("v1", "namespaces", namespaced=False),
    "ConfigMap": Kind("v1", "configmaps"),
    "Secret": Kind("v1", "secrets"),
    "ServiceAccount": Kind("v1", "serviceaccounts"),
    "Pod": Kind("v1", "pods"),
    "Lease": Kind("coordination.k8s.io/v1", "leases"),
    "Service": Kind("serving.knative.dev/v1", "services"),
    "Revision": Kind("serving.knative.dev/v1", "revisions"),
    "Broker": Kind("eventing.knative.dev/v1", "brokers"),
    "Trigger": Kind("eventing.knative.dev/v1", "triggers"),
    "PingSource": Kind("sources.knative.dev/v1", "pingsources"),
    "WorkflowTemplate": Kind("argoproj.io/v1alpha1", "workflowtemplates"),
    "Workflow": Kind("argoproj.io/v1alpha1", "workflows"),
    "WorkflowEventBinding": Kind("argoproj.io/v1alpha1", "workfloweventbindings"),
}


def kind_of(kind: str) -> Kind:
    """The Kind named `kind`; ProviderError for one fnplan does not manage."""
    found = KINDS.get(kind)
    if found is None:
        raise ProviderError(f"kubernetes: fnplan does not manage {kind} objects", allowed=KINDS)
    return found


class KubeClient:
    """The API calls of one provider instance (thread-safe: the official client pools)."""

    def __init__(self, api: Any, namespace: str) -> None:
        self.api = api
        self.namespace = namespace

    @classmethod
    def connect(cls, kubeconfig: str | None, context: str | None, namespace: str) -> KubeClient:
        """A client from `kubeconfig` (or $KUBECONFIG, ~/.kube/config), or the pod's service
        account when fnplan runs in a cluster and no kubeconfig is given."""
        from kubernetes import client, config
        from kubernetes.config.config_exception import ConfigException

        configuration = client.Configuration()
        try:
            in_pod = "KUBERNETES_SERVICE_HOST" in os.environ and not (
                kubeconfig or os.environ.get("KUBECONFIG") or context
            )
            if in_pod:
                config.load_incluster_config(client_configuration=configuration)
            else:
                config.load_kube_config(
                    config_file=kubeconfig, context=context, client_configuration=configuration
                )
        except (ConfigException, OSError) as exc:
            where = kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
            raise ProviderError(
                f"provider kubernetes: cannot load the cluster's configuration ({where}): {exc}",
                hint="set kubeconfig (and context) in the provider block",
            ) from None
        return cls(client.ApiClient(configuration), namespace)

    def close(self) -> None:
        self.api.close()

    def apply(self, manifest: dict[str, Any], *, adopt: bool = False) -> dict[str, Any]:
        """Server-side apply `manifest` as field manager "fnplan"; the object as stored.
        `adopt`: the state records the object (it was imported), so fnplan's fields win
        over another manager's even before the object carries fnplan's labels."""
        kind, name, namespace = _identity(manifest)
        path = f"{kind_of(kind).collection(namespace)}/{name}"
        query = [("fieldManager", FIELD_MANAGER)]
        try:
            return self._call("PATCH", path, query, manifest, content_type=_APPLY)
        except ProviderError as exc:
            if getattr(exc, "status", None) != 409 or not (
                adopt or self._ours(kind, name, namespace)
            ):
                raise
        # a field of fnplan's own object that another manager took: fnplan's value wins
        return self._call("PATCH", path, [*query, ("force", "true")], manifest, content_type=_APPLY)

    def read(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        """The object, or None when there is none."""
        path = f"{kind_of(kind).collection(namespace or self.namespace)}/{name}"
        try:
            return self._call("GET", path)
        except ProviderError as exc:
            if getattr(exc, "status", None) == 404:
                return None
            raise

    def list_objects(
        self, kind: str, selector: dict[str, str] | None = None, namespace: str | None = None
    ) -> list[dict[str, Any]]:
        """The objects of `kind` whose labels match `selector` (all of them without one)."""
        query = []
        if selector:
            query.append(("labelSelector", ",".join(f"{k}={v}" for k, v in selector.items())))
        path = kind_of(kind).collection(namespace or self.namespace)
        return list(self._call("GET", path, query).get("items") or [])

    def pod_log(self, name: str, namespace: str, container: str) -> str:
        """The log of one container of a Pod (pods/NAME/log), as text."""
        path = f"{kind_of('Pod').collection(namespace)}/{name}/log"
        data = self._request("GET", path, [("container", container)], accept="text/plain")
        return data.decode("utf-8", errors="replace")

    def delete(
        self, kind: str, name: str, namespace: str | None = None, *, wait: bool = True
    ) -> None:
        """Delete the object (foreground: its dependents first) and wait until it is gone,
        finalizers and all; nothing to do when it is already gone."""
        path = f"{kind_of(kind).collection(namespace or self.namespace)}/{name}"
        body = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground"}
        try:
            self._call("DELETE", path, body=body)
        except ProviderError as exc:
            if getattr(exc, "status", None) == 404:
                return
            raise
        if not wait:
            return
        call = current_call()
        while True:
            found = self.read(kind, name, namespace)
            if found is None:
                return
            finalizers = (found.get("metadata") or {}).get("finalizers") or []
            call.progress(f"waiting for {kind} {name} to go (finalizers: {', '.join(finalizers)})")
            if call.wait(POLL):
                call.check_cancelled()

    def wait_ready(
        self, kind: str, name: str, namespace: str | None = None, condition: str = "Ready"
    ) -> dict[str, Any]:
        """Wait until the object's `condition` is True (progress shows its reason); the
        object then. ProviderError with the condition's reason and message when False."""
        call = current_call()
        while True:
            found = self.read(kind, name, namespace)
            if found is None:
                raise ProviderError(f"kubernetes: {kind} {name} is gone while waiting for it")
            status, reason, message = _condition(found, condition)
            if status == "True" and not _progressing(found, condition):  # not an older spec's
                return found
            if status == "False" and not _progressing(found, condition):
                raise ProviderError(
                    f"kubernetes: {kind} {name} is not {condition}: "
                    f"{reason or 'no reason given'}: {message or 'no message'}"
                )
            detail = f" ({reason}: {message})" if reason or message else ""
            call.progress(f"waiting for {kind} {name} to be {condition}{detail}")
            if call.wait(POLL):
                call.check_cancelled()

    def _ours(self, kind: str, name: str, namespace: str | None) -> bool:
        found = self.read(kind, name, namespace)
        labels = ((found or {}).get("metadata") or {}).get("labels") or {}
        return ADDRESS_LABEL in labels

    def _call(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]] | None = None,
        body: Any = None,
        *,
        content_type: str = "application/json",
    ) -> dict[str, Any]:
        """One request; the decoded JSON answer. API errors become ProviderError."""
        data = self._request(method, path, query, body, content_type=content_type)
        try:
            answer = json.loads(data or b"{}")
        except ValueError as exc:
            raise ProviderError(f"kubernetes: {method} {path}: not JSON: {exc}") from None
        return dict(answer or {})

    def _request(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]] | None = None,
        body: Any = None,
        *,
        content_type: str = "application/json",
        accept: str = "application/json",
    ) -> bytes:
        """One request; the answer's body. API errors become ProviderError."""
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        headers = {"Accept": accept, "Content-Type": content_type}
        try:
            response = self.api.call_api(
                path,
                method,
                query_params=query or [],
                header_params=headers,
                body=body,
                auth_settings=["BearerToken"],
                _preload_content=False,
            )
        except ApiException as exc:
            raise api_error(method, path, exc.status, exc.body) from None
        except HTTPError as exc:
            raise ProviderError(f"kubernetes: cannot reach the API server: {exc}") from None
        return bytes(response.data or b"")


class ApiError(ProviderError):
    """An answer of the API server other than success; `status` is its HTTP status."""

    def __init__(self, message: str, status: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.status = status


_STATUS_WORDS = {404: "not found", 409: "conflict", 422: "invalid", 403: "forbidden"}


def api_error(method: str, path: str, status: int, body: Any) -> ApiError:
    """The ApiError for an error answer, with the API server's own message."""
    message = ""
    try:
        message = str(json.loads(body).get("message", ""))
    except (TypeError, ValueError, AttributeError):
        message = str(body or "")[:300]
    word = _STATUS_WORDS.get(status, f"HTTP {status}")
    return ApiError(f"kubernetes: {method} {path}: {word}: {message}", status)


def _identity(manifest: dict[str, Any]) -> tuple[str, str, str | None]:
    metadata = manifest.get("metadata") or {}
    kind, name = manifest.get("kind"), metadata.get("name")
    if not isinstance(kind, str) or not isinstance(name, str):
        raise ProviderError("kubernetes: a manifest needs a kind and metadata.name")
    namespace = metadata.get("namespace")
    if kind_of(kind).namespaced and not namespace:
        raise ProviderError(f"kubernetes: {kind} {name}: metadata.namespace is required")
    return kind, name, namespace


def _condition(found: dict[str, Any], condition: str) -> tuple[str, str, str]:
    """(status, reason, message) of the named condition ("Unknown" when absent)."""
    for entry in (found.get("status") or {}).get("conditions") or []:
        if entry.get("type") == condition:
            return (
                str(entry.get("status", "Unknown")),
                str(entry.get("reason") or ""),
                str(entry.get("message") or ""),
            )
    return "Unknown", "", ""


def _progressing(found: dict[str, Any], condition: str) -> bool:
    """Whether the controller has yet to see the latest spec (a False condition is then old)."""
    metadata, status = found.get("metadata") or {}, found.get("status") or {}
    observed = status.get("observedGeneration")
    return observed is not None and observed < (metadata.get("generation") or 0)
