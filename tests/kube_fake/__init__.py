"""A small fake Kubernetes API server for the kubernetes provider's and backend's tests.

Served by Starlette + Uvicorn on 127.0.0.1 (server.fake_api_server, which writes a
kubeconfig for it), so the real official client runs against it over HTTP.

What it implements
  discovery   /version, /api, /apis, /api/v1 and /apis/GROUP/VERSION resource lists
  kinds       v1 Namespace, ConfigMap, Secret, ServiceAccount, Pod; coordination.k8s.io/v1
              Lease; serving.knative.dev/v1 Service, Revision; eventing.knative.dev/v1
              Broker, Trigger; sources.knative.dev/v1 PingSource; argoproj.io/v1alpha1
              WorkflowTemplate, Workflow (namespaces "default" and "kube-system" exist)
  CRUD        GET (one, or a list with labelSelector: =, ==, !=, existence, !key),
              POST (409 AlreadyExists; 404 when the namespace is missing), PUT (409 on a
              stale metadata.resourceVersion), DELETE (409 when DeleteOptions.preconditions
              name another uid or resourceVersion), JSON merge patch
  apply       PATCH application/apply-patch+yaml with fieldManager (and force): the applied
              fields merge into the object; managedFields per manager (FieldsV1); a field
              another manager owns with another value is a 409 conflict unless forced;
              fields a manager applied before and no longer applies are removed
  status      the /status subresource (GET, PUT, merge patch) changes only .status; this is
              the test hook for conditions and Workflow node statuses (server.set_condition)
  pod logs    GET pods/NAME/log answers the text of the Pod's annotation fake.fnplan.io/log
              (no container runs: a test writes a pod's log into it)
  finalizers  DELETE of an object with finalizers sets deletionTimestamp and answers 202;
              the object goes when an update clears its finalizers
  errors      404 NotFound, 409 Conflict/AlreadyExists, 422 Invalid (malformed or
              mismatched metadata.name, apiVersion/kind not those of the URL) as Status
              objects with a message
  generation  metadata.generation grows when anything outside metadata and status changes

What it does not
  watches, authentication (any token passes), admission and schema validation of specs,
  strategic merge (lists are atomic in apply and patches: no merge keys), dry runs,
  controllers (nothing becomes Ready, no Revisions or Workflow runs appear by themselves:
  tests set status), garbage collection of dependents (propagationPolicy is ignored),
  JSON patch, field selectors, pagination, other kinds.
"""

from .server import fake_api_server, set_condition, write_kubeconfig
from .store import Store

__all__ = ["Store", "fake_api_server", "set_condition", "write_kubeconfig"]
