"""Plays Argo's workflow controller in the fake cluster, so that `fnplan run` has node
statuses to follow: each Workflow's dag is settled up front by argo_dag_sim (the tasks a test
names fail), then revealed one node change per tick through the status subresource, as
Argo's controller reports it (a node Running, then its phase, outputs and message); the
nodes of script and resource templates get a Pod whose log is the test's text."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.kube_fake.app import POD_LOG_ANNOTATION
from tests.kube_fake.fixtures import KubeCluster
from tests.providers.kubernetes.argo_dag_sim import settle
from tests.providers.kubernetes.knative_controller import call

ARGO = "/apis/argoproj.io/v1alpha1/namespaces"
_ENDED = ("Succeeded", "Failed", "Error")


@dataclass(frozen=True)
class Outcome:
    """What one task does when it runs: its phase, output (`result` for http and script
    templates, the `output` parameter for resource templates), message and pod log."""

    phase: str = "Succeeded"
    result: str | None = None
    message: str = ""
    log: str = ""


@dataclass
class Argo:
    """The controller thread for the Workflows of one namespace."""

    cluster: KubeCluster
    namespace: str
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    #: tasks whose `when` (evaluated by their values task) is false
    when_false: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.api = self.cluster.api()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def workflows(self) -> list[dict[str, Any]]:
        return list(call(self.api, f"{ARGO}/{self.namespace}/workflows").get("items") or [])

    def _run(self) -> None:
        while not self.stop.wait(0.02):
            for workflow in self.workflows():
                if (workflow.get("status") or {}).get("phase") not in _ENDED:
                    self._advance(workflow)

    def _advance(self, workflow: dict[str, Any]) -> None:
        name = workflow["metadata"]["name"]
        ref = workflow["spec"]["workflowTemplateRef"]["name"]
        template = call(self.api, f"{ARGO}/{self.namespace}/workflowtemplates/{ref}")
        dag, *others = template["spec"]["templates"]
        kinds = {t["name"]: "HTTP" if "http" in t else "Pod" for t in others}
        failing = {task for task, o in self.outcomes.items() if o.phase in ("Failed", "Error")}
        phases, succeeded = settle(dag["dag"]["tasks"], failing, self.when_false)
        tasks = {t["name"]: t for t in dag["dag"]["tasks"]}
        nodes: dict[str, Any] = (workflow.get("status") or {}).get("nodes") or {}
        by_task = {node["displayName"]: node for node in nodes.values()}
        status: dict[str, Any] = {"phase": "Running", "startedAt": _now()}
        for index, (task, phase) in enumerate(phases.items()):
            node = by_task.get(task)
            if node is not None and node["phase"] != "Running":
                continue
            node_id = f"{name}-{index}"
            kind = kinds[tasks[task]["template"]]
            if node is None and phase in ("Succeeded", "Failed"):
                node = {"phase": "Running", "startedAt": _now()}
            elif node is None:
                node = {"phase": phase, "startedAt": _now(), "finishedAt": _now()}
            else:
                node = self._finished(node, task, phase, kind, name, node_id)
            node.update(
                id=node_id, displayName=task, type=kind, templateName=tasks[task]["template"]
            )
            status["nodes"] = {node_id: node}
            break
        else:
            status = {"phase": "Succeeded" if succeeded else "Failed", "finishedAt": _now()}
            output = dag["outputs"]["parameters"][0]
            value = output.get("value") or self.outcomes.get("fnplan-output", Outcome()).result
            status["outputs"] = {"parameters": [{"name": "output", "value": value}]}
            if not succeeded:
                status["message"] = "child 'x' failed"
        path = f"{ARGO}/{self.namespace}/workflows/{name}/status"
        self.api.call_api(
            path,
            "PATCH",
            header_params={"Content-Type": "application/merge-patch+json"},
            body={"status": status},
            auth_settings=["BearerToken"],
            _preload_content=False,
        )

    def _finished(
        self, node: dict[str, Any], task: str, phase: str, kind: str, workflow: str, node_id: str
    ) -> dict[str, Any]:
        outcome = self.outcomes.get(task, Outcome())
        node = {**node, "phase": outcome.phase if phase == "Failed" else phase}
        node.update(finishedAt=_now(), message=outcome.message)
        if outcome.result is not None:
            node["outputs"] = {"result": outcome.result}
        if kind == "Pod":
            pod = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {
                    "name": f"{workflow}-{task}",
                    "labels": {"workflows.argoproj.io/workflow": workflow},
                    "annotations": {
                        "workflows.argoproj.io/node-id": node_id,
                        POD_LOG_ANNOTATION: outcome.log,
                    },
                },
            }
            call(self.api, f"/api/v1/namespaces/{self.namespace}/pods", "POST", pod)
        return node


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
