"""`fnplan import` on Kubernetes: an existing Knative Service (function), WorkflowTemplate
(workflow), Broker (event) or Trigger / PingSource (trigger), named `namespace/name` (or
`name` in the provider's namespace), read without changing anything.

The record holds the object's real name and namespace, so later updates and deletes reach
it whatever name fnplan would have chosen. What fnplan cannot read back as its own (a
revision it did not name, a template without fnplan's version, an object without fnplan's
labels) is observed as changed, so the next plan shows an update, and that update re-applies
the object with fnplan's labels (taking over the fields another manager set: the state now
records it); objects named otherwise than fnplan names them are replaced by fnplan's own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnplan.errors import ProviderError
from fnplan.provider import Observation
from fnplan.state.model import ResourceState

from .argo import template_name
from .functions import CHANGED, live_attributes
from .knative import env_secret_name, revision_name, secret_values
from .ownership import ADDRESS_LABEL, VERSION_LABEL, address_label
from .workflows import VERSION_ANNOTATION

if TYPE_CHECKING:
    from .client import KubeClient

#: what each resource type imports, by the kinds of object it may be
IMPORTABLE = {
    "function": ("Service",),
    "workflow": ("WorkflowTemplate",),
    "event": ("Broker",),
    "trigger": ("Trigger", "PingSource"),
}


def import_object(
    client: KubeClient, namespace: str, type_: str, address: str, id: str
) -> Observation:
    """The object `id` as `address` records it; nothing found is an error naming the ID."""
    kinds = IMPORTABLE.get(type_)
    if kinds is None:
        raise ProviderError(
            f"{address}: the kubernetes provider imports functions (Knative Services), "
            "workflows (WorkflowTemplates), events (Brokers) and triggers (Triggers, "
            f"PingSources), not {type_} objects",
            allowed=IMPORTABLE,
        )
    where, _, name = id.rpartition("/")
    where = where or namespace
    for kind in kinds:
        found = client.read(kind, name, where)
        if found is not None:
            return _observed(client, namespace, type_, address, kind, found)
    raise ProviderError(f"{address}: no {' or '.join(kinds)} named {where}/{name}")


def _observed(
    client: KubeClient,
    provider_namespace: str,
    type_: str,
    address: str,
    kind: str,
    found: dict[str, Any],
) -> Observation:
    metadata = found["metadata"]
    name, namespace = str(metadata["name"]), str(metadata["namespace"])
    ours = (metadata.get("labels") or {}).get(ADDRESS_LABEL) == address_label(address)
    if type_ == "function":
        return _service(client, address, found, ours)
    if namespace != provider_namespace:
        raise ProviderError(
            f"{address}: a {kind} is imported from the provider's namespace "
            f"{provider_namespace}, not {namespace}"
        )
    if type_ == "workflow":
        return _template(address, found, ours)
    attributes = {} if ours else {"name": f"{CHANGED}: {kind} {namespace}/{name}"}
    outputs = {"namespace": namespace, "objects": [[kind, name]]}
    return Observation(exists=True, attributes=attributes, outputs=outputs)


def _service(client: KubeClient, address: str, found: dict[str, Any], ours: bool) -> Observation:
    """A Knative Service: its revision `<svc>-v<N>` is fnplan's version N when fnplan
    labelled it; any other revision is observed as a changed version."""
    name, namespace = found["metadata"]["name"], found["metadata"]["namespace"]
    template = (found.get("spec") or {}).get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    revision = str((template.get("metadata") or {}).get("name") or "")
    suffix = revision.removeprefix(f"{name}-v")
    number = int(suffix) if suffix != revision and suffix.isdigit() else None
    containers = (template.get("spec") or {}).get("containers") or [{}]
    env = {e.get("name"): e.get("value") for e in containers[0].get("env") or []}
    # the full version fnplan passes its runtime; the label holds only its first 16 characters
    version = env.get("FNPLAN_VERSION") if labels.get(VERSION_LABEL) else None
    outputs: dict[str, Any] = {"name": name, "namespace": namespace, "versions": []}
    if ours and number is not None and version:
        outputs.update(
            revision=revision_name(name, number),
            version=version,
            version_number=number,
            versions=[{"number": number, "hash": version}],
        )
    prior = ResourceState(  # nothing recorded: Knative's unset scaling reads as 0
        address=address,
        type="function",
        provider="kubernetes",
        attributes={"scaling": {"min": 0, "concurrency": 0}},
        outputs={"version_number": number or 0},
    )
    secret = client.read("Secret", env_secret_name(name, number or 0), namespace)
    attributes = live_attributes(found, prior, secret_values(secret))
    if not outputs["versions"]:
        attributes["version"] = CHANGED
    return Observation(exists=True, attributes=attributes, outputs=outputs)


def _template(address: str, found: dict[str, Any], ours: bool) -> Observation:
    """A WorkflowTemplate: fnplan's own `<workflow>-v<N>` keeps its version; any other is
    observed as a changed version (the next apply writes fnplan's and deletes it)."""
    metadata = found["metadata"]
    name = str(metadata["name"])
    version = (metadata.get("annotations") or {}).get(VERSION_ANNOTATION)
    _, _, digits = name.rpartition("-v")
    number = int(digits) if digits.isdigit() else None
    if number is not None and template_name(address, number) != name:
        number = None
    outputs: dict[str, Any] = {"template": name, "namespace": metadata["namespace"]}
    if ours and number is not None and version:
        outputs.update(
            version=version,
            version_number=number,
            versions=[{"number": number, "hash": version}],
        )
        return Observation(exists=True, attributes={"version": version}, outputs=outputs)
    outputs["versions"] = []
    return Observation(exists=True, attributes={"version": CHANGED}, outputs=outputs)
