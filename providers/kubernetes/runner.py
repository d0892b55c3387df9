"""`fnplan run` on Kubernetes: a Workflow submitted from the newest WorkflowTemplate version
(`workflowTemplateRef`), followed through its node statuses (run_status.py) and logged in
fnplan's execution log format, with what each step's pods printed captured beside it, so
that `fnplan runs` and `fnplan logs` read it like a local run."""

from __future__ import annotations

import json
import time
import uuid
from typing import TYPE_CHECKING, Any

from fnplan.errors import FnplanError, ProviderError
from fnplan.naming import DNS_1035_LABEL, physical_name

from .argo import STEPS_ANNOTATION
from .argo_templates import API_VERSION
from .ownership import VERSION_LABEL, WORKFLOW_LABEL
from .run_status import NodeRecorder
from .workflows import TEMPLATE_LABEL, VERSION_ANNOTATION

if TYPE_CHECKING:
    from pathlib import Path

    from fnplan.run import RunOptions, RunResult

    from .client import KubeClient
    from .config import KubernetesConfig

#: how often a running Workflow is read again (seconds)
POLL = 0.2
#: Argo's label and annotation on the pods of a Workflow's nodes
POD_WORKFLOW_LABEL = "workflows.argoproj.io/workflow"
POD_NODE_ANNOTATION = "workflows.argoproj.io/node-id"
#: the container of an Argo pod that runs the template (beside Argo's own `wait`)
MAIN_CONTAINER = "main"
#: the execution id a Workflow was submitted for (ids may hold what labels cannot)
EXECUTION_ANNOTATION = "fnplan.io/execution-id"


class KubeRunner:
    """Runs deployed workflows for the provider's WorkflowRunner capability."""

    def __init__(self, client: KubeClient, config: KubernetesConfig, data_dir: Path) -> None:
        self.client = client
        self.config = config
        self.data_dir = data_dir

    def run_workflow(self, address: str, input: Any, *, options: RunOptions) -> RunResult:
        """Submit a Workflow of the newest template and follow it until it ends."""
        from fnplan.run import RunLog, RunResult, new_execution_id, runs_dir

        if options.from_step is not None or options.hooks is not None:
            raise FnplanError(
                "the kubernetes provider runs a workflow whole: no --from, --step or --break-at"
            )
        template = self._newest_template(address)
        metadata = template["metadata"]
        annotations = metadata.get("annotations") or {}
        version = annotations.get(VERSION_ANNOTATION) or metadata["labels"][VERSION_LABEL]
        log = RunLog(
            options.log_dir or runs_dir(self.data_dir),
            address,
            version,
            new_execution_id(options.execution_id),
            options.on_event,
        )
        name = f"{metadata['name'][:50]}-{uuid.uuid4().hex[:12]}"
        recorder = NodeRecorder.from_annotation(
            log, annotations.get(STEPS_ANNOTATION, ""), lambda node: self._node_log(name, node)
        )
        log.write("run_started", input=input)
        self.client.apply(self._submitted(name, metadata, log.execution_id, input))
        while not recorder.ended:
            found = self.client.read("Workflow", name, self.config.namespace)
            if found is None:
                raise FnplanError(f"{address}: Workflow {name} was deleted while it ran")
            recorder.record(found)
            if not recorder.ended:
                time.sleep(POLL)
        if recorder.error is None:
            return RunResult("succeeded", recorder.output, None, None, log.path, log.execution_id)
        return RunResult(
            "failed", None, recorder.error, recorder.failed_step, log.path, log.execution_id
        )

    def _newest_template(self, address: str) -> dict[str, Any]:
        """The WorkflowTemplate of the workflow's newest version; a clean error if none."""
        selector = {WORKFLOW_LABEL: physical_name(address, DNS_1035_LABEL)}
        live = self.client.list_objects("WorkflowTemplate", selector, self.config.namespace)
        if not live:
            raise FnplanError(
                f"{address} is not deployed on kubernetes (no WorkflowTemplate in namespace "
                f"{self.config.namespace})",
                hint="run fnplan apply first",
            )
        return max(live, key=lambda t: int(t["metadata"]["name"].rsplit("-v", 1)[1]))

    def _submitted(
        self, name: str, template: dict[str, Any], execution_id: str, input: Any
    ) -> dict[str, Any]:
        """The Workflow of one run: the template by reference, the input as its parameter."""
        labels = {**self.config.labels, TEMPLATE_LABEL: template["name"]}
        labels[WORKFLOW_LABEL] = template["labels"][WORKFLOW_LABEL]
        return {
            "apiVersion": API_VERSION,
            "kind": "Workflow",
            "metadata": {
                "name": name,
                "namespace": self.config.namespace,
                "labels": labels,
                "annotations": {**self.config.annotations, EXECUTION_ANNOTATION: execution_id},
            },
            "spec": {
                "workflowTemplateRef": {"name": template["name"]},
                "arguments": {"parameters": [{"name": "input", "value": json.dumps(input)}]},
            },
        }

    def _node_log(self, workflow: str, node_id: str) -> str:
        """What the pods of one node printed (Argo labels them with the Workflow and
        annotates them with the node); a log that cannot be read (the pod was garbage
        collected, RBAC forbids it) is said in its place rather than failing the run."""
        namespace = self.config.namespace
        try:
            pods = self.client.list_objects("Pod", {POD_WORKFLOW_LABEL: workflow}, namespace)
            return "".join(
                self.client.pod_log(pod["metadata"]["name"], namespace, MAIN_CONTAINER)
                for pod in pods
                if (pod["metadata"].get("annotations") or {}).get(POD_NODE_ANNOTATION) == node_id
            )
        except ProviderError as exc:
            return f"(fnplan could not read this step's pod log: {exc.message})\n"
