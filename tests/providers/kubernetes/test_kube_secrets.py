"""Sensitive values on Kubernetes through the CLI, against the fake API server: they reach a
function's env and a workflow's steps through Secrets (`secretKeyRef`), and no other object
fnplan writes holds them in clear; the values step substitutes them back at run time."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from fnplan.providers.kubernetes.argo_values import OUT_DIR, SCRIPT
from fnplan.providers.kubernetes.client import KINDS

from tests.cli.conftest import run_fnplan
from tests.kube_fake.fixtures import KubeCluster
from tests.providers.kubernetes.greet_project import PROVIDER, PYTHON_RUNTIME, templates
from tests.providers.kubernetes.knative_controller import Knative, call

API_KEY = 's3cr3t-K3y/with"quote'

MAIN = (
    PROVIDER
    + """
variable "api_key" {{
  type      = string
  sensitive = true
}}
"""
    + PYTHON_RUNTIME
    + """
function "hello" {{
  runtime = runtime.python
  source  = "./functions/hello"
  handler = "main.handler"
  env     = {{ API_KEY = var.api_key, LOG_LEVEL = "info" }}
}}

workflow "greet" {{
  step "hello" {{
    function = function.hello
    input    = {{ key = var.api_key }}
  }}
  output = {{ auth = "Bearer ${{var.api_key}}" }}
}}
"""
)


def _objects(api: Any, namespace: str) -> dict[str, list[dict[str, Any]]]:
    """Every object of every kind fnplan manages in `namespace`, by kind."""
    found = {}
    for kind, where in KINDS.items():
        if where.namespaced:
            found[kind] = call(api, where.collection(namespace)).get("items") or []
    return found


def test_sensitive_values_live_only_in_secrets(
    tmp_path: Path, kube_cluster: KubeCluster, kube_namespace: str, knative: Knative
) -> None:
    hello = tmp_path / "functions" / "hello"
    hello.mkdir(parents=True)
    (hello / "main.py").write_text("def handler(event, context):\n    return event\n")
    main = MAIN.format(kubeconfig=kube_cluster.kubeconfig, namespace=kube_namespace)
    (tmp_path / "main.hcl").write_text(main)
    secret_var = ("--var", f"api_key={API_KEY}")
    run_fnplan("apply", "--auto-approve", *secret_var, cwd=tmp_path)

    objects = _objects(knative.api, kube_namespace)
    assert objects["Service"] and objects["WorkflowTemplate"] and objects["ConfigMap"]
    for kind, items in objects.items():
        if kind != "Secret":
            text = json.dumps(items)
            assert "s3cr3t-K3y" not in text, f"a sensitive value is in clear in a {kind}"
    secrets = {s["metadata"]["name"]: s["data"] for s in objects["Secret"]}
    decoded = {
        name: {k: base64.b64decode(v).decode() for k, v in data.items()}
        for name, data in secrets.items()
    }
    (service,) = objects["Service"]
    (container,) = service["spec"]["template"]["spec"]["containers"]
    ref = next(e for e in container["env"] if e["name"] == "API_KEY")["valueFrom"]
    assert decoded[ref["secretKeyRef"]["name"]][ref["secretKeyRef"]["key"]] == API_KEY
    plan = run_fnplan("plan", "--detailed-exitcode", *secret_var, cwd=tmp_path)
    assert "No changes" in plan.stdout

    (template,) = templates(knative, kube_namespace)
    values = {t["name"]: t for t in template["spec"]["templates"]}["fnplan-values"]
    (secrets_env,) = [e for e in values["script"]["env"] if "valueFrom" in e]
    ref = secrets_env["valueFrom"]["secretKeyRef"]
    answers = _run_values_step(
        tmp_path / "out", template, "hello--values", decoded[ref["name"]][ref["key"]]
    )
    assert answers["input"] == {"key": API_KEY}
    answers = _run_values_step(
        tmp_path / "out2", template, "fnplan-output", decoded[ref["name"]][ref["key"]]
    )
    assert answers["output"] == {"auth": f"Bearer {API_KEY}"}


def _run_values_step(
    out: Path, template: dict[str, Any], task: str, secrets: str
) -> dict[str, Any]:
    """Run the values step's script as Argo would (parameters substituted), its answers."""
    tasks = {t["name"]: t for t in template["spec"]["templates"][0]["dag"]["tasks"]}
    (request,) = tasks[task]["arguments"]["parameters"]
    text = request["value"].replace("{{workflow.parameters.input}}", "{}")
    env = {**os.environ, "FNPLAN_REQUEST": text, "FNPLAN_SECRETS": secrets}
    script = SCRIPT.replace(OUT_DIR, str(out))
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=60)
    return {p.name: json.loads(p.read_text()) for p in out.iterdir()}
