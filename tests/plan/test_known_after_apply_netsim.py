"""Acceptance: values known after apply flow between resources on a provider with network-like
behaviour (netsim: server-assigned ids, outputs known only after create, latency). Resource
B's attribute refers to resource A's output; the plan shows (known after apply); apply creates
A, then B with the resolved value; the next plan is empty."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fnplan.providers.netsim import cloud_objects

from tests.cli.conftest import run_fnplan as fnplan

MAIN = """
provider "netsim" {
  latency_ms = 20
}

runtime "python" {
  language = "python3.12"
}

runtime "python_a" {
  language = "A_LANGUAGE"
}

function "a" {
  runtime = runtime.python_a
  source  = "./fn"
  env = {
    MODE = "MODE_VALUE"
  }
}

function "b" {
  runtime = runtime.python
  source  = "./fn"
  env = {
    A_ARN     = function.a.arn
    A_VERSION = function.a.version_number
  }
}

workflow "call" {
  step "ping" {
    http {
      url = function.a.url
    }
  }
}
"""


def _project(tmp_path: Path, mode: str = "one", language: str = "python3.12") -> Path:
    project = tmp_path / "project"
    (project / "fn").mkdir(parents=True, exist_ok=True)
    (project / "fn" / "main.py").write_text("def handler(event, context):\n    return event\n")
    main = MAIN.replace("MODE_VALUE", mode).replace("A_LANGUAGE", language)
    (project / "main.hcl").write_text(main)
    return project


def _cloud(project: Path) -> dict[str, dict[str, Any]]:
    """The simulated cloud's objects by the fnplan address they are tagged with."""
    objects = cloud_objects(project / ".fnplan" / "netsim")
    return {o["tags"]["fnplan:address"]: o for o in objects}


def _changes(project: Path) -> dict[str, dict[str, Any]]:
    planned = json.loads(fnplan("plan", "--json", cwd=project).stdout)
    return {change["address"]: change for change in planned["changes"]}


def test_an_output_known_only_after_create_flows_into_another_resource(tmp_path: Path) -> None:
    project = _project(tmp_path)
    shown = fnplan("plan", cwd=project).stdout
    assert "A_ARN" in shown and "(known after apply)" in shown, shown
    b = _changes(project)["function.b"]
    assert b["action"] == "create"
    assert b["resource"]["attributes"]["env"]["A_ARN"] == {"$ref": "function.a", "attr": "arn"}
    assert "function.a" in b["resource"]["depends_on"]

    fnplan("apply", "--auto-approve", cwd=project)
    cloud = _cloud(project)
    a, stored_b = cloud["function.a"], cloud["function.b"]
    assert stored_b["spec"]["env"] == {"A_ARN": a["arn"], "A_VERSION": a["version_number"]}
    assert stored_b["created_at"] >= a["created_at"]
    assert cloud["workflow.call"]["spec"]["document"]["steps"][0]["http"]["url"] == a["url"]
    fnplan("plan", "--detailed-exitcode", cwd=project)


def test_an_update_keeps_create_known_outputs_and_predicts_the_version(tmp_path: Path) -> None:
    project = _project(tmp_path)
    fnplan("apply", "--auto-approve", cwd=project)
    before = _cloud(project)["function.a"]
    _project(tmp_path, mode="two")  # function.a's env changes: a new version, same object
    changes = _changes(project)
    assert changes["function.a"]["action"] == "update"
    # the arn and url stay ("create"); the next version number is predicted by the provider
    assert changes["workflow.call"]["action"] == "noop"
    b = changes["function.b"]
    assert b["action"] == "update"
    env = {c["path"]: c for c in b["changes"] if c["path"].startswith("env.")}
    assert set(env) == {"env.A_VERSION"}
    assert env["env.A_VERSION"]["after"] == before["version_number"] + 1
    assert not env["env.A_VERSION"]["known_after_apply"]

    fnplan("apply", "--auto-approve", cwd=project)
    cloud = _cloud(project)
    assert cloud["function.b"]["spec"]["env"]["A_VERSION"] == cloud["function.a"]["version_number"]
    fnplan("plan", "--detailed-exitcode", cwd=project)


def test_replacing_the_referenced_resource_makes_the_value_unknown(tmp_path: Path) -> None:
    project = _project(tmp_path)
    fnplan("apply", "--auto-approve", cwd=project)
    old = _cloud(project)["function.a"]
    _project(tmp_path, language="python3.11")  # netsim replaces a function for its language
    fnplan("plan", "--out", "replace.plan", cwd=project)
    changes = _changes(project)
    assert changes["function.a"]["action"] == "replace"
    b = changes["function.b"]
    assert b["action"] == "update"
    unknown = {c["path"] for c in b["changes"] if c["known_after_apply"]}
    assert {"env.A_ARN", "version"} <= unknown
    fnplan("apply", "replace.plan", cwd=project)
    cloud = _cloud(project)
    assert cloud["function.a"]["id"] != old["id"]
    assert cloud["function.b"]["spec"]["env"]["A_ARN"] == cloud["function.a"]["arn"]
    fnplan("plan", "--detailed-exitcode", cwd=project)
