"""workflow → an Argo WorkflowTemplate per fnplan version (`<workflow>-v<N>`, argo.py builds
it). Versions stay while they are the newest, or a `call` step of another template or a
running Workflow references them, like function revisions. Function steps call the tagged
URL of the revision Knative made for the pinned version (found by its fnplan.io labels).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fnplan.errors import ProviderError
from fnplan.naming import DNS_1035_LABEL, physical_name
from fnplan.provider import Observation
from fnplan.provider_schema import Diagnostic
from fnplan.workflow.model import WorkflowDocument

from .argo import STEPS_ANNOTATION, catch_sources, step_tasks, template_name, workflow_template
from .argo_secrets import holds_secret, secret_manifest, secret_name
from .drift import differences, drift_note
from .functions import namespace_of
from .knative import function_labels, revision_number, service_name
from .ownership import LINEAGE_LABEL, VERSION_LABEL, WORKFLOW_LABEL, check_ours

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState

    from .client import KubeClient
    from .provider import KubernetesProvider

#: the full fnplan version of a template (its label holds the first 16 characters)
VERSION_ANNOTATION = "fnplan.io/version"
#: Argo's label on a Workflow submitted from a WorkflowTemplate
TEMPLATE_LABEL = "workflows.argoproj.io/workflow-template"
FINISHED = ("Succeeded", "Failed", "Error")
SHELL_IMAGE = "alpine:3.20"


class ClusterTargets:
    """argo.ArgoTargets answered from the cluster: the objects fnplan labelled."""

    def __init__(self, client: KubeClient, namespace: str, runner_image: str) -> None:
        self.client = client
        self.namespace = namespace
        self._runner_image = runner_image

    def function_url(self, address: str, version: str) -> str:
        service = service_name(address)
        namespace = namespace_of(address, self.namespace)
        selector = function_labels(address, version)  # as Knative copies them onto revisions
        revisions = self.client.list_objects("Revision", selector, namespace)
        numbers = [revision_number(r["metadata"]["name"], service) for r in revisions]
        found = sorted(n for n in numbers if n is not None)
        if not found:
            raise ProviderError(
                f"{address}: no Knative revision of version {version[:16]} is live",
                hint="apply the function first (the workflow depends on it)",
            )
        return f"http://v{found[-1]}-{service}.{namespace}.svc.cluster.local"

    def workflow_template(self, address: str, version: str) -> str:
        selector = {
            WORKFLOW_LABEL: physical_name(address, DNS_1035_LABEL),
            VERSION_LABEL: version[:16],
        }
        templates = self.client.list_objects("WorkflowTemplate", selector, self.namespace)
        if not templates:
            raise ProviderError(f"{address}: no WorkflowTemplate of version {version[:16]} is live")
        return str(templates[-1]["metadata"]["name"])

    def runner_image(self) -> str:
        return self._runner_image

    def shell_image(self) -> str:
        return SHELL_IMAGE


def validate_workflow(resource: Resource) -> list[Diagnostic]:
    """What apply would refuse, refused by validate at the step: a catch on named errors
    (argo.catch_sources), a sensitive value in the text of a script or statement (written
    into the template as it is: argo_secrets.check_sealed)."""
    document = WorkflowDocument.model_validate(resource.attributes["document"])
    found = []
    try:
        catch_sources(document)
    except ValueError as exc:
        found.append(Diagnostic(str(exc)))
    secrets = document.sensitive_values
    for step in document.steps:
        texts = {
            "shell script": (step.shell.script if step.shell else "", "its env"),
            "sql statement": (step.sql.statement if step.sql else "", "its params"),
        }
        for what, (text, instead) in texts.items():
            if holds_secret(text, secrets):
                message = (
                    f"step {step.name!r}: its {what} holds a sensitive value, which would be "
                    f"written in clear into the WorkflowTemplate; pass it through {instead}"
                )
                found.append(Diagnostic(message))
    return found


class Workflows:
    """Observe / create / update / delete of workflows as WorkflowTemplates."""

    def __init__(self, provider: KubernetesProvider) -> None:
        self.provider = provider

    @property
    def client(self) -> KubeClient:
        return self.provider.client

    @property
    def namespace(self) -> str:
        return self.provider.config.namespace

    def observe(self, prior: ResourceState) -> Observation:
        name = prior.outputs.get("template")
        found = self.client.read("WorkflowTemplate", str(name), self.namespace) if name else None
        if found is None:
            return Observation(exists=False)
        attributes = dict(prior.attributes)
        changed = self._drift(prior, found)
        if changed:
            attributes["version"] = drift_note(changed)
        return Observation(exists=True, attributes=attributes, outputs=dict(prior.outputs))

    def _drift(self, prior: ResourceState, found: dict[str, Any]) -> list[str]:
        """The paths where the live template's spec is not what fnplan applied (rebuilt from
        the recorded attributes); none when it cannot be rebuilt (a function it calls is
        gone: that function's own observation shows it)."""
        from fnplan.resources import Resource

        if "document" not in prior.attributes:  # imported: observed by its version alone
            return []
        recorded = Resource(address=prior.address, type="workflow", attributes=prior.attributes)
        try:
            expected = self.manifest(recorded, int(prior.outputs.get("version_number") or 0))
        except ProviderError:
            return []
        return differences(expected["spec"], found.get("spec"), "spec")

    def create(self, resource: Resource) -> dict[str, Any]:
        return self._deploy(resource, {})

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self._deploy(resource, dict(prior.outputs))

    def delete(self, prior: ResourceState) -> None:
        for entry in prior.outputs.get("versions") or []:
            self._delete_template(template_name(prior.address, entry["number"]))

    def _delete_template(self, name: str) -> None:
        """A template and the Secret of its sensitive values."""
        self.client.delete("WorkflowTemplate", name, self.namespace)
        self.client.delete("Secret", secret_name(name), self.namespace)

    def render(self, resource: Resource) -> dict[str, str]:
        """The WorkflowTemplate as it will be applied (the live number of this version, else
        the next one), one YAML document for GitOps review."""
        import yaml

        selector = {WORKFLOW_LABEL: physical_name(resource.address, DNS_1035_LABEL)}
        live = self.client.list_objects("WorkflowTemplate", selector, self.namespace)
        version = str(resource.attributes["version"])[:16]
        numbers = {
            int(t["metadata"]["name"].rsplit("-v", 1)[1]): t["metadata"]["labels"][VERSION_LABEL]
            for t in live
        }
        same = [n for n, v in numbers.items() if v == version]
        number = same[-1] if same else max([0, *numbers]) + 1
        manifest = self.manifest(resource, number)
        text = yaml.safe_dump(manifest, sort_keys=False)
        return {f"{manifest['metadata']['name']}.yaml": f"---\n{text}"}

    def manifest(self, resource: Resource, number: int) -> dict[str, Any]:
        """The WorkflowTemplate of the resource's version as revision `number`."""
        document = WorkflowDocument.model_validate(resource.attributes["document"])
        version = str(resource.attributes["version"])
        labels = self.provider.labels(resource.address)
        labels[WORKFLOW_LABEL] = physical_name(resource.address, DNS_1035_LABEL)
        labels[VERSION_LABEL] = version[:16]
        targets = ClusterTargets(self.client, self.namespace, self.provider.config.runner_image)
        name = template_name(resource.address, number)
        try:
            manifest = workflow_template(document, name, self.namespace, labels, targets)
        except ValueError as exc:
            raise ProviderError(f"{resource.address}: {exc}") from None
        annotations = self.provider.annotations(resource.address)
        annotations[STEPS_ANNOTATION] = json.dumps(step_tasks(document), sort_keys=True)
        annotations[VERSION_ANNOTATION] = version
        manifest["metadata"]["annotations"] = annotations
        return manifest

    def _deploy(self, resource: Resource, outputs: dict[str, Any]) -> dict[str, Any]:
        version = str(resource.attributes["version"])
        versions = [dict(v) for v in outputs.get("versions") or []]
        same = [v for v in versions if v["hash"] == version]
        number = same[-1]["number"] if same else max([0, *(v["number"] for v in versions)]) + 1
        if not same:
            versions.append({"number": number, "hash": version})
        manifest = self.manifest(resource, number)
        existing = self.client.read(
            "WorkflowTemplate", manifest["metadata"]["name"], self.namespace
        )
        if existing is not None and not outputs:
            check_ours(
                resource.address,
                self.provider.context.lineage,
                existing.get("metadata") or {},
                f"WorkflowTemplate {self.namespace}/{manifest['metadata']['name']}",
            )
        secrets = WorkflowDocument.model_validate(resource.attributes["document"]).sensitive_values
        if secrets:
            labels = manifest["metadata"]["labels"]
            self.client.apply(
                secret_manifest(manifest["metadata"]["name"], self.namespace, labels, secrets)
            )
        self.client.apply(manifest, adopt=bool(outputs))
        self._repoint_bindings(versions, resource.address, manifest["metadata"]["name"])
        kept = self._prune(resource.address, versions, number)
        adopted = outputs.get("template")  # an imported template fnplan did not name
        if adopted and adopted not in {template_name(resource.address, v["number"]) for v in kept}:
            self._delete_template(str(adopted))
        return {
            "template": manifest["metadata"]["name"],
            "namespace": self.namespace,
            "version": version,
            "version_number": number,
            "versions": kept,
        }

    def _repoint_bindings(self, versions: list[dict[str, Any]], address: str, current: str) -> None:
        """Event bindings (fnplan's triggers of this workflow) that submit an older version
        submit `current` from now on: a trigger targets the workflow, not one version (as the
        aws provider's alias `live`), so a new version reaches its triggers in the same apply
        and the older template is no longer held by them."""
        older = {template_name(address, v["number"]) for v in versions} - {current}
        if not older:
            return
        lineage = self.provider.context.lineage
        selector = {LINEAGE_LABEL: lineage[:63]} if lineage else None
        for binding in self.client.list_objects("WorkflowEventBinding", selector, self.namespace):
            spec = binding.get("spec") or {}
            reference = (spec.get("submit") or {}).get("workflowTemplateRef") or {}
            if reference.get("name") not in older:
                continue
            reference["name"] = current
            metadata = {
                key: binding["metadata"][key]
                for key in ("name", "namespace", "labels", "annotations")
                if key in binding["metadata"]
            }
            self.client.apply(
                {
                    "apiVersion": binding["apiVersion"],
                    "kind": binding["kind"],
                    "metadata": metadata,
                    "spec": spec,
                }
            )

    def _prune(
        self, address: str, versions: list[dict[str, Any]], number: int
    ) -> list[dict[str, Any]]:
        """Delete the templates of older versions nothing references any more."""
        referenced = self._referenced()
        kept = []
        for entry in versions:
            name = template_name(address, entry["number"])
            if entry["number"] == number or name in referenced:
                kept.append(entry)
            else:
                self._delete_template(name)
        return kept

    def _referenced(self) -> set[str]:
        """Templates a running Workflow was submitted from or another template calls."""
        names: set[str] = set()
        for run in self.client.list_objects("Workflow", None, self.namespace):
            phase = (run.get("status") or {}).get("phase")
            template = (run.get("metadata") or {}).get("labels", {}).get(TEMPLATE_LABEL)
            if template and phase not in FINISHED:
                names.add(template)
        for template in self.client.list_objects("WorkflowTemplate", None, self.namespace):
            for entry in (template.get("spec") or {}).get("templates") or []:
                manifest = (entry.get("resource") or {}).get("manifest")
                if manifest:
                    names |= _template_refs(manifest)
        return names


def _template_refs(manifest: str) -> set[str]:
    """The workflowTemplateRef names a resource template's manifest creates Workflows from."""
    import yaml

    loaded = yaml.safe_load(manifest) or {}
    ref = ((loaded.get("spec") or {}).get("workflowTemplateRef") or {}).get("name")
    return {ref} if ref else set()
