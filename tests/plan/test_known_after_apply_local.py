"""Values known after apply flowing between resources, end to end on the local provider: a
function's env refers to a workflow's endpoint (an output the local provider knows only once
the workflow exists, and keeps on in-place updates)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import assert_clean_error
from tests.cli.conftest import run_fnplan as fnplan

MAIN = """
runtime "py" {
  language = "python3.12"
}

function "hello" {
  runtime = runtime.py
  source  = "./fn"
  handler = "main.handler"
  env = {
    BACKEND = workflow.pipeline.endpoint
    MODE    = "plain"
  }
}

workflow "pipeline" {
  step "say" {
    shell {
      script = "echo SCRIPT"
    }
  }
}
"""


def _project(tmp_path: Path, main: str = MAIN) -> Path:
    project = tmp_path / "project"
    (project / "fn").mkdir(parents=True)
    (project / "fn" / "main.py").write_text("def handler(event, context):\n    return event\n")
    (project / "main.hcl").write_text(main.replace("SCRIPT", "one"))
    return project


def _state(project: Path) -> dict:
    return json.loads((project / ".fnplan" / "state.json").read_text())


def _stored_env(project: Path, version: str) -> dict:
    """The env of the function version the local provider stored (its manifest)."""
    manifest = project / ".fnplan" / "local" / "functions" / "function.hello" / version
    return json.loads((manifest / "manifest.json").read_text())["attributes"]["env"]


def test_a_reference_to_an_unknown_output_is_known_after_apply(tmp_path: Path) -> None:
    project = _project(tmp_path)
    fnplan("validate", cwd=project)
    shown = fnplan("plan", cwd=project).stdout
    assert "env.BACKEND = (known after apply)" in shown or "(known after apply)" in shown, shown
    planned = json.loads(fnplan("plan", "--json", cwd=project).stdout)
    hello = next(c for c in planned["changes"] if c["address"] == "function.hello")
    assert "workflow.pipeline" in hello["resource"]["depends_on"]

    fnplan("apply", "--auto-approve", cwd=project)
    state = _state(project)["resources"]
    endpoint = state["workflow.pipeline"]["outputs"]["endpoint"]
    recorded = state["function.hello"]["attributes"]
    assert recorded["env"]["BACKEND"] == endpoint
    assert _stored_env(project, recorded["version"])["BACKEND"] == endpoint
    fnplan("plan", "--detailed-exitcode", cwd=project)


def test_a_settled_reference_is_substituted_at_plan_time(tmp_path: Path) -> None:
    project = _project(tmp_path)
    fnplan("apply", "--auto-approve", cwd=project)
    (project / "main.hcl").write_text(MAIN.replace("SCRIPT", "two"))
    planned = json.loads(fnplan("plan", "--json", cwd=project).stdout)
    actions = {c["address"]: c["action"] for c in planned["changes"]}
    # the workflow is updated in place, its endpoint stays: the function does not change
    assert actions["workflow.pipeline"] == "update"
    assert actions["function.hello"] == "noop"
    fnplan("apply", "--auto-approve", cwd=project)
    fnplan("plan", "--detailed-exitcode", cwd=project)


def test_a_saved_plan_resolves_the_reference_at_apply(tmp_path: Path) -> None:
    project = _project(tmp_path)
    fnplan("plan", "--out", "first.plan", cwd=project)
    fnplan("apply", "first.plan", cwd=project)
    state = _state(project)["resources"]
    endpoint = state["workflow.pipeline"]["outputs"]["endpoint"]
    assert state["function.hello"]["attributes"]["env"]["BACKEND"] == endpoint
    fnplan("plan", "--detailed-exitcode", cwd=project)


def test_a_cycle_through_a_reference_is_a_validate_error(tmp_path: Path) -> None:
    cyclic = MAIN.replace(
        'step "say" {', 'step "call" {\n    function = function.hello\n  }\n  step "say" {'
    )
    project = _project(tmp_path, cyclic)
    result = fnplan("validate", cwd=project, check=None)
    assert_clean_error(result, "main.hcl:11:", "function.hello", "workflow.pipeline", "cycle")


def test_a_reference_inside_a_string_template_is_a_clean_error(tmp_path: Path) -> None:
    templated = MAIN.replace(
        "BACKEND = workflow.pipeline.endpoint", 'BACKEND = "${workflow.pipeline.endpoint}/x"'
    )
    project = _project(tmp_path, templated)
    result = fnplan("validate", cwd=project, check=None)
    assert_clean_error(
        result,
        "main.hcl:11:",
        "workflow.pipeline.endpoint is known only after apply",
        "whole value",
    )


def test_a_resource_cannot_use_its_own_output(tmp_path: Path) -> None:
    ping = 'step "ping" {\n    http {\n      url = workflow.pipeline.endpoint\n    }\n  }\n'
    project = _project(tmp_path, MAIN.replace('step "say" {', ping + '  step "say" {'))
    result = fnplan("validate", cwd=project, check=None)
    assert_clean_error(result, "workflow.pipeline refers to its own 'endpoint'")


TARGETS = """
provider "local" {
  alias = "one"
}

provider "local" {
  alias = "two"
}

runtime "py" {
  language = "python3.12"
}

function "hello" {
  runtime = runtime.py
  source  = "./fn"
}

workflow "pipeline" {
  targets = [provider.local.one, provider.local.two]
  step "call" {
    function = function.hello
    input    = { number = function.hello.version_number }
  }
}
"""


def test_a_reference_follows_the_copy_on_the_same_target(tmp_path: Path) -> None:
    project = _project(tmp_path, TARGETS)
    planned = json.loads(fnplan("plan", "--json", cwd=project).stdout)
    inputs = {
        c["address"]: c["resource"]["attributes"]["document"]["steps"][0]["input"]
        for c in planned["changes"]
        if c["type"] == "workflow"
    }
    assert inputs == {
        f"workflow.pipeline[local.{t}]": {
            "number": {"$ref": f"function.hello[local.{t}]", "attr": "version_number"}
        }
        for t in ("one", "two")
    }
    fnplan("apply", "--auto-approve", cwd=project)
    state = _state(project)["resources"]
    for target in ("one", "two"):
        document = state[f"workflow.pipeline[local.{target}]"]["attributes"]["document"]
        number = state[f"function.hello[local.{target}]"]["outputs"]["version_number"]
        assert document["steps"][0]["input"] == {"number": number}
    fnplan("plan", "--detailed-exitcode", cwd=project)
