"""event → EventBridge's default bus, where the CloudEvents type is the `detail-type`.

EventBridge needs no object for a type of event: a producer sends it with `PutEvents`
(`DetailType` = the event's `type`, `Detail` = its data) and the rules of `event` triggers
match on it. So apply creates nothing; the event records the bus and detail-type producers
use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnplan.provider import Observation

from .clients import Clients, aws_errors

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState

BUS = "default"


class Events:
    """Observe / create / update / delete of events (nothing to delete on AWS)."""

    def __init__(self, clients: Clients) -> None:
        self.clients = clients

    def observe(self, prior: ResourceState) -> Observation:
        """The default bus always exists, and the event has nothing else to drift."""
        return Observation(
            exists=True, attributes=dict(prior.attributes), outputs=dict(prior.outputs)
        )

    def create(self, resource: Resource) -> dict[str, Any]:
        events = self.clients["events"]
        with aws_errors(f"{resource.address}: events DescribeEventBus {BUS}"):
            bus = events.describe_event_bus(Name=BUS)
        return {"bus": BUS, "bus_arn": bus["Arn"], "detail_type": resource.attributes["type"]}

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self.create(resource)

    def delete(self, prior: ResourceState) -> None:
        """Nothing was created for the event."""
