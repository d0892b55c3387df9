"""event → an EventBridge bus (the provider's `event_bus`, default `default`), where the
CloudEvents type is the `detail-type`.

EventBridge needs no object for a type of event: a producer sends it with `PutEvents`
(`DetailType` = the event's `type`, `Detail` = its data) and the rules of `event` triggers
match on it. So apply creates nothing; the event records the bus and detail-type producers
use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnplan.errors import ProviderError
from fnplan.provider import Observation

from .clients import Clients, aws_errors

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState


class Events:
    """Observe / create / update / delete of events (nothing to delete on AWS)."""

    def __init__(self, clients: Clients, bus: str) -> None:
        self.clients = clients
        self.bus = bus

    def observe(self, prior: ResourceState) -> Observation:
        """The event has nothing of its own to drift (its bus is not its to delete)."""
        return Observation(
            exists=True, attributes=dict(prior.attributes), outputs=dict(prior.outputs)
        )

    def create(self, resource: Resource) -> dict[str, Any]:
        events = self.clients["events"]
        with aws_errors(f"{resource.address}: events DescribeEventBus {self.bus}"):
            try:
                bus = events.describe_event_bus(Name=self.bus)
            except events.exceptions.ResourceNotFoundException:
                raise ProviderError(
                    f"{resource.address}: there is no EventBridge bus {self.bus!r}",
                    hint="create it, or set event_bus in the provider block to one that exists",
                ) from None
        return {"bus": self.bus, "bus_arn": bus["Arn"], "detail_type": resource.attributes["type"]}

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self.create(resource)

    def delete(self, prior: ResourceState) -> None:
        """Nothing was created for the event."""
