"""trigger → the AWS objects that fire its target (triggers_rules.py: schedules, event and
completion rules; triggers_sources.py: storage, queue and http sources of functions;
triggers_pipes.py, triggers_http_api.py: queue and http sources of workflows), with the
permissions they need (trigger_access.py).

The outputs record exactly what was made (`objects`), so delete removes that and nothing
else, and a digest of the configuration read back right after apply: refresh reads it again,
and a difference (an edit in the console) is drift on the attribute that configures it.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, Protocol

from fnplan.errors import ProviderError
from fnplan.provider import Observation

from .trigger_access import TriggerContext
from .triggers_http_api import HttpApi
from .triggers_pipes import Pipe
from .triggers_rules import Rule, Schedule
from .triggers_sources import EventSourceMapping, FunctionUrl, Storage

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState

#: what observe reports for the attribute whose AWS configuration was changed outside fnplan
CHANGED = "(changed outside fnplan)"
#: the attribute each kind's AWS configuration comes from
CONFIGURED_BY = {
    "schedule": "schedule",
    "event": "event_type",
    "completion": "on_completion",
    "storage": "source",
    "queue": "source",
    "http": "source",
}


class TriggerKind(Protocol):
    """How one kind of trigger is deployed (triggers_rules.py, triggers_sources.py)."""

    def deploy(
        self, ctx: TriggerContext, attributes: dict[str, Any], prior: dict[str, Any]
    ) -> dict[str, Any]:
        """Create or bring up to date what fires the target; `prior` is what the last apply
        made ({} on create). Returns the record of what exists now."""
        ...

    def read(self, ctx: TriggerContext, objects: dict[str, Any]) -> dict[str, Any] | None:
        """The live configuration of what `objects` records; None when it is gone."""
        ...

    def remove(self, ctx: TriggerContext, objects: dict[str, Any]) -> None:
        """Delete what `objects` records; a missing object is fine."""
        ...


class ByTarget:
    """One kind deployed one way for a function target and another for a workflow; the
    record of the workflow's way holds `marker`."""

    def __init__(self, function: TriggerKind, workflow: TriggerKind, marker: str) -> None:
        self.function, self.workflow, self.marker = function, workflow, marker

    def deploy(
        self, ctx: TriggerContext, attributes: dict[str, Any], prior: dict[str, Any]
    ) -> dict[str, Any]:
        chosen = self.workflow if attributes["target_type"] == "workflow" else self.function
        if prior and self._of(prior) is not chosen:  # the target's type changed
            self._of(prior).remove(ctx, prior)
            prior = {}
        return chosen.deploy(ctx, attributes, prior)

    def read(self, ctx: TriggerContext, objects: dict[str, Any]) -> dict[str, Any] | None:
        return self._of(objects).read(ctx, objects)

    def remove(self, ctx: TriggerContext, objects: dict[str, Any]) -> None:
        self._of(objects).remove(ctx, objects)

    def _of(self, objects: dict[str, Any]) -> TriggerKind:
        return self.workflow if self.marker in objects else self.function


KINDS: dict[str, TriggerKind] = {
    "schedule": Schedule(),
    "event": Rule(),
    "completion": Rule(),
    "storage": Storage(),
    "queue": ByTarget(EventSourceMapping(), Pipe(), "pipe"),
    "http": ByTarget(FunctionUrl(), HttpApi(), "api"),
}


class Triggers:
    """Observe / create / update / delete of one provider's triggers."""

    def __init__(self, context: TriggerContext) -> None:
        self.ctx = context

    def observe(self, prior: ResourceState) -> Observation:
        kind = str(prior.attributes.get("kind"))
        objects = dict(prior.outputs.get("objects") or {})
        live = _kind(kind, prior.address).read(self.ctx, objects) if objects else None
        if live is None:
            return Observation(exists=False)
        attributes = dict(prior.attributes)
        if config_digest(live) != prior.outputs.get("config_sha256"):
            attributes[CONFIGURED_BY[kind]] = CHANGED
        return Observation(exists=True, attributes=attributes, outputs=dict(prior.outputs))

    def create(self, resource: Resource) -> dict[str, Any]:
        return self._deploy(resource, {})

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        before = dict(prior.outputs.get("objects") or {})
        old_kind = str(prior.attributes.get("kind") or prior.outputs.get("kind"))
        if old_kind != resource.attributes["kind"]:  # another kind: other objects
            _kind(old_kind, prior.address).remove(self.ctx, before)
            return self._deploy(resource, {})
        outputs = self._deploy(resource, before)
        now = outputs["objects"]
        if before.get("permission") and before["permission"] != now.get("permission"):
            self.ctx.revoke(before["permission"])
        if before.get("role") and not now.get("role"):
            self.ctx.delete_role()
        return outputs

    def delete(self, prior: ResourceState) -> None:
        kind = str(prior.attributes.get("kind") or prior.outputs.get("kind"))
        _kind(kind, prior.address).remove(self.ctx, dict(prior.outputs.get("objects") or {}))

    def _deploy(self, resource: Resource, prior: dict[str, Any]) -> dict[str, Any]:
        kind = str(resource.attributes["kind"])
        implementation = _kind(kind, resource.address)
        objects = implementation.deploy(self.ctx, dict(resource.attributes), prior)
        live = implementation.read(self.ctx, objects)
        return {
            "kind": kind,
            "arn": objects.get("arn"),
            "url": objects.get("url"),
            "objects": objects,
            "config_sha256": config_digest(live),
        }


def _kind(kind: str, address: str) -> TriggerKind:
    if kind not in KINDS:
        raise ProviderError(f"{address}: unknown trigger kind {kind!r}", allowed=KINDS)
    return KINDS[kind]


def config_digest(live: dict[str, Any] | None) -> str:
    """The identity of a configuration read back (what observe compares)."""
    text = json.dumps(live, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
