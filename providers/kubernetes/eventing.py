"""Knative Eventing and Argo event manifests, as pure functions of names and settings.

Events are Brokers (one per fnplan event: producers post CloudEvents to its address);
schedules are PingSources; an event trigger is a Trigger filtering on the CloudEvents type.
Sinks: a function is the Knative Service itself; a workflow is the Argo Server's events
endpoint (`/api/v1/events/<namespace>/<discriminator>`) with a WorkflowEventBinding that
submits the workflow's WorkflowTemplate, so no launcher code runs in the cluster.
"""

from __future__ import annotations

import json
from typing import Any

EVENTING = "eventing.knative.dev/v1"
SOURCES = "sources.knative.dev/v1"
SERVING = "serving.knative.dev/v1"
ARGO = "argoproj.io/v1alpha1"


def _metadata(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"name": name, "namespace": namespace, "labels": dict(labels)}


def broker(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    """The Broker of one event (its spec is immutable: a change replaces it)."""
    return {
        "apiVersion": EVENTING,
        "kind": "Broker",
        "metadata": _metadata(name, namespace, labels),
    }


def service_sink(service: str, namespace: str) -> dict[str, Any]:
    """A sink delivering to a Knative Service (a function triggered directly)."""
    return {
        "ref": {"apiVersion": SERVING, "kind": "Service", "name": service, "namespace": namespace}
    }


def argo_events_sink(server_url: str, namespace: str, discriminator: str) -> dict[str, Any]:
    """A sink delivering to the Argo Server's events endpoint for one binding."""
    return {"uri": f"{server_url.rstrip('/')}/api/v1/events/{namespace}/{discriminator}"}


def ping_source(
    name: str,
    namespace: str,
    labels: dict[str, str],
    schedule: str,
    data: Any,
    sink: dict[str, Any],
) -> dict[str, Any]:
    """A schedule: a PingSource sending `data` as JSON to `sink` on the cron `schedule`."""
    return {
        "apiVersion": SOURCES,
        "kind": "PingSource",
        "metadata": _metadata(name, namespace, labels),
        "spec": {
            "schedule": schedule,
            "contentType": "application/json",
            "data": json.dumps({} if data is None else data),
            "sink": sink,
        },
    }


def event_trigger(
    name: str,
    namespace: str,
    labels: dict[str, str],
    broker_name: str,
    event_type: str,
    sink: dict[str, Any],
) -> dict[str, Any]:
    """An event trigger: a Trigger on the event's Broker, filtering on the CloudEvents type
    (its `broker` is immutable: a change replaces it)."""
    return {
        "apiVersion": EVENTING,
        "kind": "Trigger",
        "metadata": _metadata(name, namespace, labels),
        "spec": {
            "broker": broker_name,
            "filter": {"attributes": {"type": event_type}},
            "subscriber": sink,
        },
    }


def workflow_event_binding(
    name: str, namespace: str, labels: dict[str, str], template: str, data: Any
) -> dict[str, Any]:
    """Submits `template` for each event posted to discriminator `name`: the input is the
    trigger's own `data` when it has one, else the event's payload."""
    parameter: dict[str, Any] = {"name": "input"}
    if data is None:
        parameter["valueFrom"] = {"event": "toJSON(payload)"}
    else:
        parameter["value"] = json.dumps(data)
    return {
        "apiVersion": ARGO,
        "kind": "WorkflowEventBinding",
        "metadata": _metadata(name, namespace, labels),
        "spec": {
            "event": {"selector": f'discriminator == "{name}"'},
            "submit": {
                "workflowTemplateRef": {"name": template},
                "arguments": {"parameters": [parameter]},
            },
        },
    }
