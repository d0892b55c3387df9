"""event → a Broker, trigger → the manifests of triggers.py, applied with server-side apply;
the objects a trigger made are kept in its outputs so that delete removes exactly them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnplan.errors import ProviderError
from fnplan.naming import DNS_1035_LABEL, physical_name
from fnplan.provider import Observation

from .drift import differences, drift_note
from .eventing import broker
from .knative import service_name
from .ownership import LINEAGE_LABEL, WORKFLOW_LABEL, check_ours
from .triggers import trigger_manifests

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState

    from .provider import KubernetesProvider


def broker_name(event_type: str) -> str:
    """The Broker of the event with CloudEvents type `event_type` (events and triggers
    derive it alike, so a trigger needs no lookup)."""
    return physical_name(event_type, DNS_1035_LABEL)


class _Objects:
    """Apply / observe / delete of the objects a resource's manifests name."""

    def __init__(self, provider: KubernetesProvider) -> None:
        self.provider = provider

    def manifests(self, resource: Resource) -> list[dict[str, Any]]:
        raise NotImplementedError

    def observe(self, prior: ResourceState) -> Observation:
        live = {}
        for kind, name in prior.outputs.get("objects") or []:
            found = self.provider.client.read(kind, name, self.provider.config.namespace)
            if found is None:
                return Observation(exists=False)
            live[(kind, name)] = found
        attributes = dict(prior.attributes)
        changed = self._drift(prior, live)
        if changed:
            attributes["name"] = drift_note(changed)
        return Observation(exists=True, attributes=attributes, outputs=dict(prior.outputs))

    def _drift(
        self, prior: ResourceState, live: dict[tuple[str, str], dict[str, Any]]
    ) -> list[str]:
        """The labels and spec fields fnplan sets whose live value differs (rebuilt from the
        recorded attributes; fields only a controller sets are not drift); none when the manifests
        cannot be rebuilt (their target is gone: its own observation shows it)."""
        from fnplan.resources import Resource

        recorded = Resource.model_validate(
            {"address": prior.address, "type": prior.type, "attributes": prior.attributes}
        )
        try:
            manifests = self.manifests(recorded)
        except (ProviderError, KeyError):  # KeyError: imported, no attributes recorded yet
            return []
        changed = []
        for manifest in manifests:
            key = (manifest["kind"], manifest["metadata"]["name"])
            if key in live:
                # the lineage label is bookkeeping (an import re-labels it on the next apply)
                labels = dict(manifest["metadata"]["labels"])
                labels.pop(LINEAGE_LABEL, None)
                mine: dict[str, Any] = {"metadata": {"labels": labels}}
                if "spec" in manifest:  # a Broker has none
                    mine["spec"] = manifest["spec"]
                where = f"{key[0]} {key[1]}"
                changed += differences(mine, live[key], where, extra=False)
        return changed

    def render(self, resource: Resource) -> dict[str, str]:
        """`fnplan render`: each object as apply writes it, one YAML document for review."""
        import yaml

        rendered = {}
        for manifest in self.manifests(resource):
            manifest["metadata"]["annotations"] = self.provider.annotations(resource.address)
            name = f"{manifest['kind']}-{manifest['metadata']['name']}.yaml"
            rendered[name] = "---\n" + yaml.safe_dump(manifest, sort_keys=False)
        return rendered

    def create(self, resource: Resource) -> dict[str, Any]:
        return self._apply(resource, [])

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self._apply(resource, prior.outputs.get("objects") or [])

    def delete(self, prior: ResourceState) -> None:
        for kind, name in prior.outputs.get("objects") or []:
            self.provider.client.delete(kind, name, self.provider.config.namespace)

    def _apply(self, resource: Resource, before: list[list[str]]) -> dict[str, Any]:
        objects = []
        for manifest in self.manifests(resource):
            manifest["metadata"]["annotations"] = self.provider.annotations(resource.address)
            if not before:
                self._refuse_foreign(resource.address, manifest)
            self.provider.client.apply(manifest, adopt=bool(before))
            objects.append([manifest["kind"], manifest["metadata"]["name"]])
        for kind, name in before:
            if [kind, name] not in objects:
                self.provider.client.delete(kind, name, self.provider.config.namespace)
        return {"namespace": self.provider.config.namespace, "objects": objects}

    def _refuse_foreign(self, address: str, manifest: dict[str, Any]) -> None:
        """A create never takes over an object this configuration did not make (import it)."""
        kind, name = manifest["kind"], manifest["metadata"]["name"]
        namespace = self.provider.config.namespace
        existing = self.provider.client.read(kind, name, namespace)
        if existing is not None:
            what = f"{kind} {namespace}/{name}"
            check_ours(address, self.provider.context.lineage, existing["metadata"], what)


class Events(_Objects):
    """An event is a Broker named from its CloudEvents type."""

    def manifests(self, resource: Resource) -> list[dict[str, Any]]:
        name = broker_name(str(resource.attributes["type"]))
        labels = self.provider.labels(resource.address)
        return [broker(name, self.provider.config.namespace, labels)]


class Triggers(_Objects):
    """A trigger is a PingSource or Trigger, and a WorkflowEventBinding for a workflow."""

    def manifests(self, resource: Resource) -> list[dict[str, Any]]:
        name = physical_name(resource.address, DNS_1035_LABEL)
        labels = self.provider.labels(resource.address)
        try:
            return trigger_manifests(
                dict(resource.attributes), name, self.provider.config.namespace, labels, self
            )
        except ValueError as exc:
            raise ProviderError(f"{resource.address}: {exc}") from None

    def function_service(self, address: str) -> str:
        return service_name(address)

    def workflow_template(self, address: str) -> str:
        selector = {WORKFLOW_LABEL: physical_name(address, DNS_1035_LABEL)}
        client = self.provider.client
        live = client.list_objects("WorkflowTemplate", selector, self.provider.config.namespace)
        if not live:
            raise ProviderError(f"{address}: no WorkflowTemplate is live; apply it first")
        newest = max(live, key=lambda t: int(t["metadata"]["name"].rsplit("-v", 1)[1]))
        return str(newest["metadata"]["name"])

    def event_broker(self, event_type: str) -> str:
        return broker_name(event_type)

    def argo_server_url(self) -> str:
        return self.provider.config.argo_server_url
