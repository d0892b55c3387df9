"""Trigger and event manifests, validated field for field by cloudcoil's Knative Eventing
models and hera's Argo models."""

from __future__ import annotations

import json
import warnings
from typing import Any

import hera.workflows.models as argo_models
import pytest
from fnplan.providers.kubernetes.eventing import broker
from fnplan.providers.kubernetes.triggers import trigger_manifests

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from cloudcoil.models.knative_eventing.eventing.v1 import Broker, Trigger
    from cloudcoil.models.knative_eventing.sources.v1 import PingSource

MODELS: dict[str, Any] = {
    "Broker": Broker,
    "Trigger": Trigger,
    "PingSource": PingSource,
    "WorkflowEventBinding": argo_models.WorkflowEventBinding,
}
LABELS = {"fnplan.io/address": "trigger.t"}


class Targets:
    def function_service(self, address: str) -> str:
        return "fn-" + address.split(".")[-1]

    def workflow_template(self, address: str) -> str:
        return "wf-" + address.split(".")[-1] + "-v4"

    def event_broker(self, event_type: str) -> str:
        return "ev-uploaded"

    def argo_server_url(self) -> str:
        return "https://argo-server.argo:2746/"


def strict(manifest: dict[str, Any]) -> None:
    """The models ignore unknown fields: a manifest is valid when it survives a round trip."""
    model = MODELS[manifest["kind"]]
    parsed = model.model_validate(manifest)
    again = json.loads(parsed.model_dump_json(by_alias=True, exclude_none=True))
    assert again == manifest


def trigger(kind: str, target_type: str = "workflow", **fields: Any) -> dict[str, Any]:
    return {
        "name": "t",
        "kind": kind,
        "schedule": None,
        "event_type": None,
        "source": None,
        "on_completion": None,
        "target": f"{target_type}.report",
        "target_type": target_type,
        "input": None,
        **fields,
    }


def render(attributes: dict[str, Any]) -> list[dict[str, Any]]:
    manifests = trigger_manifests(attributes, "t-abc", "apps", LABELS, Targets())
    for manifest in manifests:
        strict(manifest)
    return manifests


def test_broker_validates() -> None:
    strict(broker("ev-uploaded", "apps", LABELS))


def test_schedule_of_a_workflow_pings_the_argo_events_endpoint() -> None:
    binding, ping = render(trigger("schedule", schedule="0 2 * * *", input={"day": 1}))
    assert ping["kind"] == "PingSource" and ping["spec"]["schedule"] == "0 2 * * *"
    assert ping["spec"]["sink"] == {"uri": "https://argo-server.argo:2746/api/v1/events/apps/t-abc"}
    assert binding["spec"]["submit"]["workflowTemplateRef"] == {"name": "wf-report-v4"}
    assert binding["spec"]["event"]["selector"] == 'discriminator == "t-abc"'
    assert binding["spec"]["submit"]["arguments"]["parameters"] == [
        {"name": "input", "value": '{"day": 1}'}
    ]


def test_event_trigger_filters_on_the_cloudevents_type() -> None:
    (found,) = render(trigger("event", "function", event_type="com.example.uploaded"))
    assert found["spec"]["broker"] == "ev-uploaded"
    assert found["spec"]["filter"] == {"attributes": {"type": "com.example.uploaded"}}
    assert found["spec"]["subscriber"]["ref"]["name"] == "fn-report"


def test_event_trigger_of_a_workflow_passes_the_payload() -> None:
    binding, found = render(trigger("event", event_type="com.example.uploaded"))
    (parameter,) = binding["spec"]["submit"]["arguments"]["parameters"]
    assert parameter == {"name": "input", "valueFrom": {"event": "toJSON(payload)"}}
    assert found["kind"] == "Trigger"


def test_http_trigger_of_a_function_is_its_service_url() -> None:
    assert render(trigger("http", "function")) == []
    (binding,) = render(trigger("http"))
    assert binding["kind"] == "WorkflowEventBinding"


@pytest.mark.parametrize("kind", ["storage", "queue", "completion"])
def test_kinds_without_a_mapping_are_refused(kind: str) -> None:
    with pytest.raises(ValueError, match="schedule, event, http"):
        render(trigger(kind))
