"""function → a Knative Service (knative.py builds its manifests); each fnplan version is a
revision `<svc>-v<N>` with traffic tag `v<N>`, kept while it is among the newest
`keep_versions` or pinned by `retain_versions`. A new version's traffic moves in the
rollout's steps, each waiting for the Service's Ready condition. Shared functions live in
the provider's namespace; a dedicated copy in its workflow's namespace, which fnplan creates
(labelled with the workflow) and deletes with the workflow's last copy.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fnplan.errors import ProviderError
from fnplan.naming import DNS_1035_LABEL, physical_name
from fnplan.provider import Observation, current_call
from fnplan.provider_schema import Diagnostic

from .knative import (
    CODE_DIR,
    Revision,
    code_config_map,
    code_config_map_name,
    env_secret,
    env_secret_name,
    revision_name,
    revision_number,
    rollout_splits,
    secret_values,
    service_manifest,
    service_name,
)
from .knative_code import code_files
from .ownership import FUNCTION_LABEL, VERSION_LABEL, WORKFLOW_LABEL, check_ours
from .runtimes import runtime_image

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState

    from .client import KubeClient
    from .provider import KubernetesProvider

#: what observe reports for a field whose live value fnplan did not set
CHANGED = "(changed outside fnplan)"
#: what `fnplan render` prints for each value of a function's env Secret
REDACTED = "(redacted: fnplan never prints env values)"


@dataclass(frozen=True, slots=True)
class Release:
    """What applying one function version writes: its Service, the revision number the
    version gets, the versions kept live (with the one served before), its code and labels."""

    name: str
    namespace: str
    number: int
    serving: int | None
    versions: list[dict[str, Any]]
    files: list[tuple[str, bytes]]
    labels: dict[str, str]


def workflow_of(address: str) -> str | None:
    """The workflow address of a dedicated copy ("workflow.w.function.f" → "workflow.w")."""
    if not address.startswith("workflow."):
        return None
    return ".".join(address.split(".")[:2])


def namespace_of(address: str, shared: str) -> str:
    """Shared functions live in the provider's namespace, dedicated copies in their
    workflow's own."""
    workflow = workflow_of(address)
    return physical_name(workflow, DNS_1035_LABEL) if workflow else shared


class Functions:
    """Observe / create / update / delete of functions as Knative Services."""

    def __init__(self, provider: KubernetesProvider) -> None:
        self.provider = provider

    @property
    def client(self) -> KubeClient:
        return self.provider.client

    def observe(self, prior: ResourceState) -> Observation:
        name = prior.outputs.get("name") or service_name(prior.address)
        namespace = prior.outputs.get("namespace") or self._namespace(prior.address)
        found = self.client.read("Service", name, namespace)
        if found is None:
            return Observation(exists=False)
        number = prior.outputs.get("version_number", 0)
        secret = self.client.read("Secret", env_secret_name(name, number), namespace)
        live = live_attributes(found, prior, secret_values(secret))
        # what only fnplan knows (handler, schemas, rollout, the runtime block) is the recorded
        # value, so that the version's content is all there to check (as aws reports it)
        return Observation(
            exists=True, attributes={**prior.attributes, **live}, outputs=dict(prior.outputs)
        )

    def create(self, resource: Resource) -> dict[str, Any]:
        name = service_name(resource.address)
        namespace = self._namespace(resource.address)
        workflow = workflow_of(resource.address)
        if workflow is not None:
            self._ensure_namespace(namespace, workflow)
        existing = self.client.read("Service", name, namespace)
        if existing is not None:  # a retry after a crash: ours, or refused
            check_ours(
                resource.address,
                self.provider.context.lineage,
                existing.get("metadata") or {},
                f"Knative Service {namespace}/{name}",
            )
        return self._deploy(resource, {})

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self._deploy(resource, dict(prior.outputs))

    def delete(self, prior: ResourceState) -> None:
        name = prior.outputs.get("name") or service_name(prior.address)
        namespace = prior.outputs.get("namespace") or self._namespace(prior.address)
        self.client.delete("Service", name, namespace)
        for entry in prior.outputs.get("versions") or []:
            self._delete_revision_data(name, namespace, entry["number"])
        workflow = workflow_of(prior.address)
        if workflow is not None:
            selector = {WORKFLOW_LABEL: physical_name(workflow, DNS_1035_LABEL)}
            if not self.client.list_objects("Service", selector, namespace):
                self.client.delete("Namespace", namespace, None)

    def _deploy(self, resource: Resource, outputs: dict[str, Any]) -> dict[str, Any]:
        """Apply the resource's version as a revision and move traffic to it in steps."""
        release = self._release(resource, outputs)
        name, namespace, number = release.name, release.namespace, release.number
        self.client.apply(self._code(release))
        env = resource.attributes.get("env") or {}
        self.client.apply(env_secret(name, number, namespace, env, release.labels))
        call = current_call()
        rollout = resource.attributes.get("rollout") or {}
        splits = rollout_splits(rollout, release.serving, number)
        for step, split in enumerate(splits):
            self.client.apply(self._service(resource, release, split), adopt=bool(outputs))
            self.client.wait_ready("Service", name, namespace)
            if step < len(splits) - 1:
                call.progress(f"{name}: {split.get(number, 0)}% of traffic on v{number}")
                if call.wait(_interval(rollout)):
                    call.check_cancelled()
        self._prune(name, namespace, outputs.get("versions") or [], release.versions)
        return {
            "name": name,
            "namespace": namespace,
            "revision": revision_name(name, number),
            "version": str(resource.attributes["version"]),
            "version_number": number,
            "versions": release.versions,
        }

    def render(self, resource: Resource) -> dict[str, str]:
        """`fnplan render`: the Service (all traffic on this version's revision, as it is once
        the rollout is done), its code ConfigMap and its env Secret with the values redacted,
        as apply writes them after what is live now (the first revision when nothing is)."""
        import yaml

        try:
            runtime_image(resource.address, resource.attributes["runtime"])
        except ProviderError as exc:  # no image yet: the runtime renders its build context
            note = f"{exc.message}; {exc.hint}" if exc.hint else exc.message
            return {"Service.yaml": f"---\n# not rendered: {note}\n"}
        release = self._release(resource, self._live_outputs(resource))
        service = self._service(resource, release, {release.number: 100})
        env = resource.attributes.get("env") or {}
        secret = env_secret(release.name, release.number, release.namespace, env, release.labels)
        secret["data"] = dict.fromkeys(secret["data"], REDACTED)
        rendered = {}
        for manifest in (service, self._code(release), secret):
            text = yaml.safe_dump(manifest, sort_keys=False)
            rendered[f"{manifest['kind']}-{manifest['metadata']['name']}.yaml"] = f"---\n{text}"
        return rendered

    def _live_outputs(self, resource: Resource) -> dict[str, Any]:
        """The outputs apply recorded, read back from the live Service (none when there is
        none): its revisions in traffic, each with its version (the full hash where the
        resource knows it: its own or a pinned one), and the one its template serves."""
        name = service_name(resource.address)
        namespace = self._namespace(resource.address)
        live = self.client.read("Service", name, namespace)
        if live is None:
            return {}
        selector = {FUNCTION_LABEL: name}
        labels = {
            str(r["metadata"]["name"]): (r["metadata"].get("labels") or {}).get(VERSION_LABEL, "")
            for r in self.client.list_objects("Revision", selector, namespace)
        }
        attributes = resource.attributes
        known = [str(attributes["version"]), *(attributes.get("retain_versions") or [])]
        versions = []
        for entry in (live.get("spec") or {}).get("traffic") or []:
            number = revision_number(str(entry.get("revisionName", "")), name)
            if number is not None:
                prefix = labels.get(revision_name(name, number), "")
                full = next((h for h in known if prefix and h.startswith(prefix)), prefix)
                versions.append({"number": number, "hash": full})
        template = (live.get("spec") or {}).get("template", {}).get("metadata", {})
        serving = revision_number(str(template.get("name", "")), name)
        return {"versions": versions, "version_number": serving}

    def _release(self, resource: Resource, outputs: dict[str, Any]) -> Release:
        """What applying the resource's version over `outputs` (the recorded ones) writes."""
        attributes = resource.attributes
        # an imported Service keeps its own name
        name = outputs.get("name") or service_name(resource.address)
        namespace = outputs.get("namespace") or self._namespace(resource.address)
        version = str(attributes["version"])
        versions = [dict(v) for v in outputs.get("versions") or []]
        serving = outputs.get("version_number")
        same = [v for v in versions if v["hash"] == version]
        number = same[-1]["number"] if same else max([0, *(v["number"] for v in versions)]) + 1
        if not same:
            versions.append({"number": number, "hash": version})
        return Release(
            name=name,
            namespace=namespace,
            number=number,
            serving=serving,
            versions=self._kept(resource, versions, number, serving),
            files=code_files(resource.address, attributes["source"], attributes["source_hash"]),
            labels=self._labels(resource.address),
        )

    def _code(self, release: Release) -> dict[str, Any]:
        """The release's code ConfigMap."""
        return code_config_map(
            release.name, release.number, release.namespace, release.files, release.labels
        )

    def _service(
        self, resource: Resource, release: Release, split: dict[int, int]
    ) -> dict[str, Any]:
        """The release's Service with traffic `split`, annotated as the provider says."""
        manifest = service_manifest(
            resource.address,
            resource.attributes,
            service=release.name,
            namespace=release.namespace,
            number=release.number,
            revisions=[Revision(v["number"], v["hash"]) for v in release.versions],
            split=split,
            files=release.files,
            labels=release.labels,
        )
        manifest["metadata"]["annotations"] = self.provider.annotations(resource.address)
        return manifest

    def _kept(
        self,
        resource: Resource,
        versions: list[dict[str, Any]],
        number: int,
        serving: int | None,
    ) -> list[dict[str, Any]]:
        """Live versions: the newest `keep_versions`, pinned ones, the new and the serving."""
        keep = int(resource.attributes.get("keep_versions") or 0)
        pinned = set(resource.attributes.get("retain_versions") or [])
        newest = {v["number"] for v in (versions[-keep:] if keep > 0 else versions)}
        return [
            v
            for v in versions
            if v["number"] in newest or v["hash"] in pinned or v["number"] in (number, serving)
        ]

    def _prune(
        self, name: str, namespace: str, before: list[dict[str, Any]], kept: list[dict[str, Any]]
    ) -> None:
        """Delete the revisions (and their code) of versions no longer kept."""
        live = {v["number"] for v in kept}
        for entry in before:
            if entry["number"] not in live:
                self.client.delete("Revision", revision_name(name, entry["number"]), namespace)
                self._delete_revision_data(name, namespace, entry["number"])

    def _delete_revision_data(self, name: str, namespace: str, number: int) -> None:
        """A revision's code ConfigMap and env Secret."""
        self.client.delete("ConfigMap", code_config_map_name(name, number), namespace)
        self.client.delete("Secret", env_secret_name(name, number), namespace)

    def _namespace(self, address: str) -> str:
        return namespace_of(address, self.provider.config.namespace)

    def _labels(self, address: str) -> dict[str, str]:
        labels = self.provider.labels(address)
        workflow = workflow_of(address)
        if workflow is not None:
            labels[WORKFLOW_LABEL] = physical_name(workflow, DNS_1035_LABEL)
        return labels

    def _ensure_namespace(self, namespace: str, workflow: str) -> None:
        """The dedicated workflow's namespace, labelled with the workflow it serves."""
        label = physical_name(workflow, DNS_1035_LABEL)
        self.client.apply(
            {
                "apiVersion": "v1",
                "kind": "Namespace",
                "metadata": {
                    "name": namespace,
                    "labels": {**self.provider.labels(workflow), WORKFLOW_LABEL: label},
                },
            }
        )


def live_attributes(
    found: dict[str, Any], prior: ResourceState, secret: dict[str, str]
) -> dict[str, Any]:
    """The fields fnplan owns, read back in fnplan's vocabulary (prior values where the live
    one is what fnplan would have written for them); env values from the revision's
    `secret` where the container reads them from it."""
    template = found.get("spec", {}).get("template", {})
    spec = template.get("spec", {})
    container = (spec.get("containers") or [{}])[0]
    memory = str(container.get("resources", {}).get("limits", {}).get("memory", ""))
    env = {e["name"]: _env_value(e, secret) for e in container.get("env") or []}
    user_env = {k: v for k, v in env.items() if not k.startswith("FNPLAN_")}
    annotations = template.get("metadata", {}).get("annotations") or {}
    attributes: dict[str, Any] = {
        "memory": int(memory.removesuffix("Mi")) if memory.removesuffix("Mi").isdigit() else memory,
        "env": user_env,
        "scaling": _scaling(annotations, spec, prior.attributes.get("scaling") or {}),
    }
    timeout = prior.attributes.get("timeout")
    live_timeout = spec.get("timeoutSeconds")
    attributes["timeout"] = (
        timeout
        if timeout is not None and live_timeout == max(1, math.ceil(float(timeout)))
        else live_timeout
    )
    expected = revision_name(str(found["metadata"]["name"]), prior.outputs.get("version_number", 0))
    mounted = [m.get("mountPath") for m in container.get("volumeMounts") or []]
    if template.get("metadata", {}).get("name") != expected or CODE_DIR not in mounted:
        attributes["version"] = CHANGED
    return attributes


def _env_value(entry: dict[str, Any], secret: dict[str, str]) -> str:
    """An env entry's value: in clear, or the secret's value its secretKeyRef names."""
    ref = (entry.get("valueFrom") or {}).get("secretKeyRef") or {}
    if ref:
        return secret.get(str(ref.get("key")), CHANGED)
    return str(entry.get("value", ""))


def _scaling(
    annotations: dict[str, str], spec: dict[str, Any], prior: dict[str, Any]
) -> dict[str, Any]:
    """The live scaling in fnplan's vocabulary ({"min", "max", "concurrency"})."""
    live_max = annotations.get("autoscaling.knative.dev/max-scale")
    live_min = int(annotations.get("autoscaling.knative.dev/min-scale", "0"))
    live_concurrency = int(spec.get("containerConcurrency") or 0)
    return {
        **prior,
        "min": _unset_as(live_min, prior.get("min")),
        "max": int(live_max) if live_max else None if not prior.get("max") else 0,
        "concurrency": _unset_as(live_concurrency, prior.get("concurrency")),
    }


def _unset_as(live: int, prior: Any) -> Any:
    """A live 0 (Knative's "unset") reads as the prior value when that was unset too."""
    return prior if live == 0 and not prior else live


def _interval(rollout: dict[str, Any]) -> float:
    """Seconds between rollout steps: its `interval` ("90", "45s", "10m", "1h30m", "500ms")."""
    text = str(rollout.get("interval") or "0s").strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    unit = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ProviderError(
            f"rollout interval {text!r} is not a duration",
            hint='use seconds or units, e.g. "90", "45s", "10m", "1h30m"',
        )
    return sum(float(n) * unit[u] for n, u in parts)


def validate_function(resource: Resource) -> list[Diagnostic]:
    """Whether the function can be delivered: its runtime names an image and its code fits
    a ConfigMap."""
    from .knative_code import CONFIG_MAP_LIMIT, code_size, too_large_message

    attributes = resource.attributes
    problems = []
    try:
        runtime_image(resource.address, attributes.get("runtime") or {})
    except ProviderError as exc:
        # a warning: `fnplan render` still writes the build context of the image it lacks
        text = f"{exc.message}; {exc.hint}" if exc.hint else exc.message
        problems.append(Diagnostic(text, "runtime", severity="warning"))
    try:
        size = code_size(resource.address, str(attributes["source"]))
    except ProviderError as exc:
        return [*problems, Diagnostic(exc.message, "source")]
    if size > CONFIG_MAP_LIMIT:
        problems.append(Diagnostic(too_large_message(resource.address, size), "source"))
    return problems
