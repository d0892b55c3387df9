"""A trigger resource as the manifests that fire it (fnplan.providers.kubernetes.eventing).

schedule → PingSource, event → Trigger on the event's Broker, http → nothing for a function
(its Knative Service URL is the endpoint) and the WorkflowEventBinding alone for a workflow
(the Argo Server's events endpoint is the URL). A workflow target adds its binding to the
source. Storage, queue and completion triggers have no Kubernetes mapping.
"""

from __future__ import annotations

from typing import Any, Protocol

from .eventing import (
    argo_events_sink,
    event_trigger,
    ping_source,
    service_sink,
    workflow_event_binding,
)

SUPPORTED = ("schedule", "event", "http")


class TriggerTargets(Protocol):
    """Names the provider knows from its state and configuration."""

    def function_service(self, address: str) -> str:
        """The Knative Service name of a function."""
        ...

    def workflow_template(self, address: str) -> str:
        """The WorkflowTemplate name of a workflow's current version."""
        ...

    def event_broker(self, event_type: str) -> str:
        """The Broker name of the event with this CloudEvents type."""
        ...

    def argo_server_url(self) -> str:
        """The Argo Server's URL as seen from inside the cluster."""
        ...


def trigger_manifests(
    attributes: dict[str, Any],
    name: str,
    namespace: str,
    labels: dict[str, str],
    targets: TriggerTargets,
) -> list[dict[str, Any]]:
    """The manifests of one trigger (its attributes as in docs/resource-attributes.md)."""
    kind = attributes["kind"]
    if kind not in SUPPORTED:
        raise ValueError(
            f"trigger {attributes['name']!r}: kind {kind!r} has no Kubernetes mapping; "
            f"the kubernetes provider supports {', '.join(SUPPORTED)}"
        )
    data = attributes.get("input")
    manifests: list[dict[str, Any]] = []
    if attributes["target_type"] == "workflow":
        template = targets.workflow_template(attributes["target"])
        manifests.append(workflow_event_binding(name, namespace, labels, template, data))
        sink = argo_events_sink(targets.argo_server_url(), namespace, name)
        data = None  # the binding supplies the trigger's input
    else:
        sink = service_sink(targets.function_service(attributes["target"]), namespace)
    if kind == "schedule":
        manifests.append(ping_source(name, namespace, labels, attributes["schedule"], data, sink))
    elif kind == "event":
        broker_name = targets.event_broker(attributes["event_type"])
        manifests.append(
            event_trigger(name, namespace, labels, broker_name, attributes["event_type"], sink)
        )
    return manifests
