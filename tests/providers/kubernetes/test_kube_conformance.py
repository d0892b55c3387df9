"""The kubernetes provider against the protocol's conformance kit, on the fake API server, for
every resource type it declares: declarations; per type the lifecycle (code changed after
planning refused, create, update, drift made with the official client as `kubectl edit`
would, repair, replace, delete, import by namespace/name); and concurrent calls from several
threads. A thread plays
Knative's controller (Services become Ready, with their Revisions); on a real cluster
Knative's own does."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pytest
from fnplan.providers.kubernetes import KubernetesProvider
from fnplan.providers.kubernetes.client import kind_of

from fnplan.compile.canonical import hash_json
from fnplan.compile.functions import version_of
from fnplan.provider import Provider, ProviderContext
from fnplan.resources import Resource
from fnplan.state.model import ResourceState
from fnplan.testing.providers import (
    KitCase,
    Sample,
    check_concurrency,
    check_declarations,
    check_resource,
)
from tests.kube_fake.fixtures import KubeCluster
from tests.providers.conformance_samples import samples
from tests.providers.kubernetes.knative_controller import Knative

IMAGE = "ghcr.io/fnplan/runtime-python:3.12"
SCHEMAS = KubernetesProvider.resource_schemas


def _with_image(sample: Sample) -> Sample:
    """The shared samples with a runtime image (a Kubernetes runtime is an image), and the
    function's embedded runtime too."""

    def imaged(resource: Resource | None) -> Resource | None:
        if resource is None:
            return None
        attributes = dict(resource.attributes)
        if resource.type == "runtime":
            attributes["image"] = IMAGE
        if resource.type == "function":
            attributes["runtime"] = {**attributes["runtime"], "image": IMAGE}
            attributes["version"] = version_of(attributes)  # the runtime is part of it
        return resource.model_copy(update={"attributes": attributes})

    return Sample(
        cast(Resource, imaged(sample.resource)),
        cast(Resource, imaged(sample.update)),
        imaged(sample.replacement),
    )


def _wired(found: list[Sample]) -> list[Sample]:
    """The shared samples as compile links them on Kubernetes: the workflow calls the live
    version of function.echo (and depends on it), the trigger depends on its target."""
    function = next(s.resource for s in found if s.resource.type == "function")
    wired = []
    for sample in found:
        forms = [sample.resource, sample.update, sample.replacement]
        if sample.resource.type == "workflow":
            forms = [_calling(form, function) for form in forms]
        if sample.resource.type == "trigger":
            forms = [_depending(form, "workflow.w") for form in forms]
        wired.append(Sample(cast(Resource, forms[0]), cast(Resource, forms[1]), forms[2]))
    return wired


def _calling(workflow: Resource | None, function: Resource) -> Resource | None:
    if workflow is None:
        return None
    document = json.loads(json.dumps(workflow.attributes["document"]))
    for step in document["steps"]:
        step["function"]["version"] = function.attributes["version"]
    attributes = {**workflow.attributes, "document": document, "version": hash_json(document)}
    update = {"attributes": attributes, "depends_on": [function.address]}
    return workflow.model_copy(update=update)


def _depending(resource: Resource | None, address: str) -> Resource | None:
    return None if resource is None else resource.model_copy(update={"depends_on": [address]})


#: an edit of each kind's live object outside fnplan, as `kubectl edit` would make it
EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "Service": lambda o: o["spec"]["template"]["spec"]["containers"][0].update(
        resources={"limits": {"memory": "1024Mi"}}
    ),
    "WorkflowTemplate": lambda o: o["spec"].update(entrypoint="edited"),
    # fnplan sets no spec on a Broker: what it owns there is its labels
    "Broker": lambda o: o["metadata"]["labels"].update(team="edited"),
    "PingSource": lambda o: o["spec"].update(schedule="0 5 * * *"),
}


def _edit(cluster: KubeCluster, kind: str, name: str, namespace: str) -> None:
    """Read the object, change it as EDITS says, and PUT it back (the official client)."""
    path = f"{kind_of(kind).collection(namespace)}/{name}"
    api = cluster.api()
    try:
        found = _call(api, "GET", path)
        EDITS[kind](found)
        _call(api, "PUT", path, found)
    finally:
        api.close()


def _call(api: Any, method: str, path: str, body: Any = None) -> Any:
    response = api.call_api(
        path,
        method,
        header_params={"Content-Type": "application/json", "Accept": "application/json"},
        body=body,
        auth_settings=["BearerToken"],
        _preload_content=False,
    )
    return json.loads(response.data or b"{}")


def _objects(state: ResourceState, namespace: str) -> list[tuple[str, str]]:
    """The (kind, name) of the objects a resource's outputs name."""
    if state.type == "function":
        return [("Service", str(state.outputs["name"]))]
    if state.type == "workflow":
        return [("WorkflowTemplate", str(state.outputs["template"]))]
    return [(str(kind), str(name)) for kind, name in state.outputs["objects"] if kind in EDITS]


@pytest.fixture
def case(
    tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str, knative_if_fake: Knative | None
) -> KitCase:
    config = {
        "kubeconfig": str(kube_cluster.kubeconfig),
        "namespace": kube_namespace,
        "labels": {"team": "kit"},
    }

    def provider(lineage: str) -> Provider:
        context = ProviderContext(
            project_dir=tmp_path, data_dir=tmp_path / ".fnplan", config=config, lineage=lineage
        )
        return cast(Provider, KubernetesProvider(context))

    def drift(provider: Provider, state: ResourceState) -> None:
        for kind, name in _objects(state, kube_namespace):
            _edit(kube_cluster, kind, name, kube_namespace)

    found = samples(tmp_path / "src", [], replacements=True)
    return KitCase(
        provider=provider,
        samples=_wired([_with_image(s) for s in found if s.resource.type in SCHEMAS]),
        drift=drift,
        import_id=lambda state: f"{kube_namespace}/{_objects(state, kube_namespace)[0][1]}",
        objectless=frozenset({"runtime"}),
        clone=_clone,
    )


def _clone(resource: Resource, index: int) -> Resource:
    """The Nth copy for the concurrency check: an event's CloudEvents type names its Broker,
    so each copy needs a type of its own."""
    attributes = dict(resource.attributes)
    if resource.type == "event":
        attributes["type"] = f"{attributes['type']}.c{index}"
    update = {"address": f"{resource.address}_c{index}", "attributes": attributes}
    return resource.model_copy(update=update)


def test_declarations(case: KitCase) -> None:
    check_declarations(case)


#: what the kit finds missing, per type (strict: a fix makes the test fail, to drop the mark)
GAPS: dict[str, str] = {}


def _strict(type_: str) -> list[pytest.MarkDecorator]:
    return [pytest.mark.xfail(reason=GAPS[type_], strict=True)] if type_ in GAPS else []


@pytest.mark.parametrize("type_", [pytest.param(t, marks=_strict(t)) for t in sorted(SCHEMAS)])
def test_resource_lifecycle(case: KitCase, type_: str) -> None:
    if type_ in case.objectless:  # nothing of its own to import
        case = dataclasses.replace(case, import_id=None)
    check_resource(case, type_)


def test_concurrent_calls(case: KitCase) -> None:
    check_concurrency(case)
