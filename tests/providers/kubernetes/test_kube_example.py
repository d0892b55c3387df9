"""examples/kubernetes end to end through the real `fnplan` command, against the fake API
server (a real cluster with $FNPLAN_TEST_KUBECONFIG): validate, apply, every object fnplan
made read back and validated against the published schemas (cloudcoil's Knative models,
hera's Argo models, kubernetes-validate), a plan that changes nothing, render, destroy;
and a run of the catalog (every node type) through Argo node statuses a thread plays. The
apply of 15 resources through several `fnplan` processes is what takes these tests seconds.

examples/kubernetes is examples/quickstart with the kubernetes provider: a test here keeps
the two the same project (same code, schemas and data; main.hcl differing where README.md
says)."""

from __future__ import annotations

import difflib
import filecmp
import json
import shutil
import time
import warnings
from pathlib import Path
from typing import Any

import hera.workflows.models as argo_models
import kubernetes_validate
import pytest
import yaml
from cloudcoil.models.knative_serving.serving.v1 import Revision, Service
from fnplan.providers.kubernetes.drift import differences

from tests.cli.conftest import run_fnplan
from tests.conftest import EXAMPLES, REPO
from tests.kube_fake.fixtures import KubeCluster
from tests.providers.kubernetes.argo_controller import Argo, Outcome
from tests.providers.kubernetes.knative_controller import Knative, call

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from cloudcoil.models.knative_eventing.eventing.v1 import Broker, Trigger
    from cloudcoil.models.knative_eventing.sources.v1 import PingSource

EXAMPLE = EXAMPLES / "kubernetes"
#: the models each kind fnplan makes validates against (core kinds: kubernetes-validate)
MODELS: dict[str, Any] = {
    "Service": Service,
    "Revision": Revision,  # Knative's, carrying the labels of fnplan's template
    "Broker": Broker,
    "Trigger": Trigger,
    "PingSource": PingSource,
    "WorkflowTemplate": argo_models.WorkflowTemplate,
    "WorkflowEventBinding": argo_models.WorkflowEventBinding,
}
CORE = {"Namespace", "ConfigMap", "Secret"}
#: the quickstart's lines that examples/kubernetes replaces (README.md says why)
REPLACED_LINES = {
    "# fnplan quickstart: two workflows on this machine, using every node type and dependency"
    " kind.",
    '  default     = ""',
    '  description = "SQLAlchemy URL of the catalog database (default: a SQLite file under'
    ' .fnplan/)."',
    '  db_url = coalesce(var.db_url, "sqlite:///${path.module}/.fnplan/catalog.db")',
    'provider "local" {}',
    '  source  = "fnplan/vision"',
    '  version = "~> 2.1"',
    '      errors = ["ConnectionError", "HTTPError", "Timeout"]',
    'output "thumbnail_endpoint" {',
    "  value = workflow.thumbnail.endpoint",
}

#: the built-in module's lines its copy replaces (it only adds the runtime's image)
MODULE_REPLACED_LINES = {
    'output "classify_endpoint" {',
    "  value = workflow.classify.endpoint",
}


@pytest.fixture
def project(tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str) -> Project:
    root = tmp_path / "kubernetes"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".fnplan", "__pycache__"))
    return Project(root, kube_cluster, kube_namespace)


class Project:
    """A copy of examples/kubernetes deployed to the test's namespace."""

    def __init__(self, root: Path, cluster: KubeCluster, namespace: str) -> None:
        self.root = root
        self.api = cluster.api()
        self.env = {
            "FNPLAN_VAR_kubeconfig": str(cluster.kubeconfig),
            "FNPLAN_VAR_namespace": namespace,
        }

    def fnplan(self, *args: str, check: int | None = 0) -> Any:
        return run_fnplan(*args, cwd=self.root, check=check, env=self.env)

    def lineage(self) -> str:
        return str(json.loads(self.fnplan("state", "pull").stdout)["lineage"])

    def objects(self, lineage: str) -> list[dict[str, Any]]:
        """Every object of every listable kind the API serves carrying this lineage's label."""
        selector = f"fnplan.io/lineage={lineage[:63]}"
        found: list[dict[str, Any]] = []
        for path in _collections(self.api):
            found += call(self.api, f"{path}?labelSelector={selector}").get("items") or []
        return found


def _collections(api: Any) -> list[str]:
    """The cluster-wide list path of every resource (not subresource) that can be listed."""
    versions = [("/api/v1", "v1")] + [
        (f"/apis/{v['groupVersion']}", v["groupVersion"])
        for group in call(api, "/apis")["groups"]
        for v in group["versions"]
    ]
    paths = []
    for base, _ in versions:
        for resource in call(api, base)["resources"]:
            if "/" not in resource["name"] and "list" in resource.get("verbs", ["list"]):
                paths.append(f"{base}/{resource['name']}")
    return paths


def validate(manifest: dict[str, Any]) -> None:
    """A Knative or Argo object survives a round trip through its published model (they
    ignore unknown fields); a core object passes kubernetes-validate's strict schema."""
    kind = manifest["kind"]
    manifest = json.loads(json.dumps(manifest))
    # the API server's bookkeeping: FieldsV1 is opaque to the models (and the schemas)
    manifest.get("metadata", {}).pop("managedFields", None)
    if kind in CORE:
        kubernetes_validate.validate(manifest, "1.30", strict=True)
        return
    parsed = MODELS[kind].model_validate(manifest)
    again = json.loads(parsed.model_dump_json(by_alias=True, exclude_none=True))
    unknown = differences(manifest, again, kind)
    assert not unknown, f"fields the model does not know: {unknown}"


@pytest.mark.parametrize(
    ("copy", "original", "replaced"),
    [
        (EXAMPLE, EXAMPLES / "quickstart", REPLACED_LINES),
        (EXAMPLE / "modules" / "vision", REPO / "modules" / "vision", MODULE_REPLACED_LINES),
    ],
    ids=["quickstart", "vision"],
)
def test_the_kubernetes_example_is_the_quickstart_with_the_kubernetes_provider(
    copy: Path, original: Path, replaced: set[str]
) -> None:
    for directory in ("functions", "schemas", "data"):
        if not (original / directory).exists():
            continue
        compared = filecmp.dircmp(copy / directory, original / directory, ignore=["__pycache__"])
        assert _same_tree(compared), f"{copy / directory} differs from {original / directory}"
    lines = difflib.ndiff(
        (original / "main.hcl").read_text().splitlines(),
        (copy / "main.hcl").read_text().splitlines(),
    )
    removed = {line[2:] for line in lines if line.startswith("- ")}
    assert removed <= replaced, f"{original} lines changed: {removed - replaced}"


def _same_tree(compared: filecmp.dircmp[str]) -> bool:
    if compared.left_only or compared.right_only or compared.diff_files:
        return False
    return all(_same_tree(sub) for sub in compared.subdirs.values())


def test_validate_apply_plan_render_destroy(
    project: Project, knative_if_fake: Knative | None
) -> None:
    project.fnplan("validate")
    project.fnplan("apply", "--auto-approve")
    lineage = project.lineage()
    made = project.objects(lineage)
    kinds = {item["kind"] for item in made}
    assert {"Service", "ConfigMap", "Secret", "Namespace", "WorkflowTemplate"} <= kinds, kinds
    assert "PingSource" in kinds and "WorkflowEventBinding" in kinds, kinds
    for manifest in made:
        validate(manifest)

    project.fnplan("plan", "--detailed-exitcode")  # exit 0: nothing to change

    rendered = project.fnplan("render", "--provider", "kubernetes").stdout
    documents = [d for d in yaml.safe_load_all(rendered) if d]
    reviewed = {"WorkflowTemplate", "PingSource", "WorkflowEventBinding"}
    reviewed |= {"Service", "ConfigMap", "Secret"}  # functions', their code and env
    live = {(m["kind"], m["metadata"]["name"]): m for m in made if m["kind"] in reviewed}
    assert {(d["kind"], d["metadata"]["name"]) for d in documents} == set(live)
    for document in documents:
        validate(document)
        applied = live[(document["kind"], document["metadata"]["name"])]
        assert document.get("spec") == applied.get("spec"), document["metadata"]["name"]
        assert document["metadata"]["labels"] == applied["metadata"]["labels"]
        # a Secret's values are redacted: its keys only
        data = document.get("data") or {}
        live_data = applied.get("data") or {}
        same = set(data) == set(live_data) if document["kind"] == "Secret" else data == live_data
        assert same, document["metadata"]["name"]

    project.fnplan("destroy", "--auto-approve")
    assert _gone(project, lineage, {"Revision"}) == []


def _gone(project: Project, lineage: str, collected: set[str]) -> list[str]:
    """What is left of the lineage's objects: none of fnplan's, and none of the `collected`
    kinds (Knative's Revisions, garbage-collected with their Service) after a while."""
    deadline = time.monotonic() + 10
    while True:
        left = [f"{o['kind']} {o['metadata']['name']}" for o in project.objects(lineage)]
        if not left or time.monotonic() > deadline:
            return left
        if any(name.split()[0] not in collected for name in left):
            return left
        time.sleep(0.1)


def test_run_follows_every_node_type_of_the_catalog(
    project: Project,
    knative_if_fake: Knative | None,
    kube_cluster: KubeCluster,
    kube_namespace: str,
) -> None:
    """`fnplan run catalog` through Argo node statuses a thread plays: the shell, sql and http
    steps are logged under their node types, the http step's failure is caught."""
    if knative_if_fake is None:
        pytest.skip("the quickstart's steps pass work files, which a cluster's pods do not share")
    project.fnplan("apply", "--auto-approve")
    argo = Argo(kube_cluster, kube_namespace)
    argo.outcomes.update(
        {
            "measure": Outcome(result='{"stdout": "12\\n", "exit_code": 0}'),
            "count": Outcome(result='{"rows": [{"files": 1}], "row_count": 1}'),
            "status": Outcome(phase="Failed", message="dial tcp: connection refused"),
            "fnplan-output": Outcome(result='{"files": 1}'),
        }
    )
    argo.thread.start()
    try:
        done = project.fnplan("run", "catalog", "--input", '{"url": "data/sample.txt"}', "--json")
    finally:
        argo.stop.set()
        argo.thread.join(timeout=10)
        argo.api.close()
    result = json.loads(done.stdout)
    assert result["status"] == "succeeded" and result["output"] == {"files": 1}
    records = [json.loads(line) for line in Path(result["log_path"]).read_text().splitlines()]
    ended = {(r["step"], r.get("node_type")): r["event"] for r in records if r.get("step")}
    assert ended[("measure", "shell")] == "succeeded"
    assert ended[("count", "sql")] == "succeeded"
    assert ended[("status", "http")] == "caught"
    assert ended[("offline", "shell")] == "succeeded"
    project.fnplan("destroy", "--auto-approve")  # the dedicated namespace is not the test's
