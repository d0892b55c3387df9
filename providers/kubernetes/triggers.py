"""A trigger resource as the manifests that fire it (fnplan.providers.kubernetes.eventing).

schedule → PingSource, event → Trigger on the event's Broker, http → nothing for a function
(its Knative Service URL is the endpoint) and the WorkflowEventBinding alone for a workflow
(the Argo Server's events endpoint is the URL). A workflow target adds its binding to the
source. Storage, queue and completion triggers have no Kubernetes mapping: validate refuses
them (`unsupported`).
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
#: the attribute a trigger of an unsupported kind is written with (where validate points)
_WRITTEN_AT = {"storage": "source", "queue": "source", "completion": "on_completion"}
#: why each kind has no mapping
_WHY = {
    "storage": "Knative Eventing has no storage-bucket source of its own",
    "queue": "a queue needs eventing-kafka's KafkaSource, which fnplan does not deploy",
    "completion": "Argo has no completion event a Knative Trigger can subscribe to without "
    "rewriting the completed workflow's template",
}


def unsupported(attributes: dict[str, Any]) -> tuple[str, str] | None:
    """(message, attribute) when the trigger's kind has no Kubernetes mapping, else None."""
    kind = str(attributes.get("kind"))
    if kind in SUPPORTED:
        return None
    message = (
        f"trigger {attributes.get('name')!r} is a {kind} trigger, which the kubernetes provider "
        f"cannot deploy ({_WHY.get(kind, 'no Kubernetes mapping')}); it deploys "
        f"{', '.join(SUPPORTED)} triggers (an event trigger on a Broker covers producers that "
        "post CloudEvents)"
    )
    return message, _WRITTEN_AT.get(kind, "kind")


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
    refused = unsupported(attributes)
    if refused is not None:
        raise ValueError(refused[0])
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
