"""Several targets end to end: one workflow on two aliased local providers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_clean_error

MAIN = """
provider "local" {
  alias = "a"
}

provider "local" {
  alias = "b"
}

runtime "python" {
  language = "python3.12"
}

function "greet" {
  runtime = runtime.python
  source  = "./functions/greet"
  handler = "main.handler"
}

workflow "checkout" {
  targets = [provider.local.a, provider.local.b]
  step "greet" {
    function = function.greet
    input    = { name = input.name }
  }
  output = step.greet.output
}

workflow "audit" {
  target = provider.local.a
  step "greet" {
    function = function.greet
    input    = { name = "audit" }
  }
  output = step.greet.output
}
"""

HANDLER = """
import os


def handler(event, context):
    return {"hello": event["name"], "code": os.path.dirname(os.path.abspath(__file__))}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "main.hcl").write_text(MAIN)
    code = tmp_path / "functions" / "greet"
    code.mkdir(parents=True)
    (code / "main.py").write_text(HANDLER)
    return tmp_path


def _run(fnplan: Runner, project: Path, address: str, name: str) -> dict[str, str]:
    result = fnplan("run", address, "--input", json.dumps({"name": name}), cwd=project)
    output: dict[str, str] = json.loads(result.stdout)
    return output


def test_two_aliased_local_targets_plan_apply_run(fnplan: Runner, project: Path) -> None:
    plan = fnplan("plan", cwd=project).stdout
    for target in ("local.a", "local.b"):
        assert f"+ workflow.checkout[{target}] will be created" in plan
        assert f"+ function.greet[{target}] will be created" in plan
        assert f"## on {target}" in plan
    assert "+ runtime.python will be created" in plan  # on local.a, its first provider
    assert "+ runtime.python[local.b] will be created" in plan
    assert plan.index("## on local.a") < plan.index("# workflow.checkout[local.a]")
    assert plan.index("# workflow.checkout[local.a]") < plan.index("## on local.b")
    assert "Plan: 7 to add, 0 to change, 0 to destroy." in plan  # audit shares local.a's copy
    targeted = fnplan("plan", "--target", "workflow.checkout", cwd=project).stdout
    assert "workflow.checkout[local.a] will" in targeted
    assert "workflow.checkout[local.b] will" in targeted
    assert "workflow.audit" not in targeted

    fnplan("apply", "--auto-approve", cwd=project)
    shown = fnplan("show", cwd=project).stdout
    assert "workflow.checkout[local.b]\n  workflow.checkout[local.b]  local.b" in shown
    data = project / ".fnplan"
    for target in ("local.a", "local.b"):
        ran = _run(fnplan, project, f"workflow.checkout[{target}]", target)
        assert ran["hello"] == target
        assert Path(ran["code"]).is_relative_to(data / target)  # deployed to separate places
    assert not (data / "local").exists()
    short = _run(fnplan, project, "checkout[local.b]", "short")
    assert Path(short["code"]).is_relative_to(data / "local.b")
    audit = _run(fnplan, project, "audit", "x")  # one target: the plain address
    assert Path(audit["code"]).is_relative_to(data / "local.a")

    result = fnplan("plan", "--detailed-exitcode", cwd=project, check=0)
    assert "No changes" in result.stdout


def test_the_plain_address_of_a_workflow_on_two_targets_names_the_choices(
    fnplan: Runner, project: Path
) -> None:
    fnplan("apply", "--auto-approve", cwd=project)
    for command in (("run", "checkout"), ("runs", "workflow.checkout")):
        assert_clean_error(
            fnplan(*command, cwd=project, check=None),
            "workflow.checkout is deployed to 2 targets",
            "workflow.checkout[local.a]",
            "workflow.checkout[local.b]",
        )
    assert_clean_error(
        fnplan("invoke", "function.greet", cwd=project, check=None),
        "function.greet is deployed to 2 targets",
        "function.greet[local.a], function.greet[local.b]",
    )


def test_runs_logs_and_invoke_take_a_target_address(fnplan: Runner, project: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=project)
    _run(fnplan, project, "workflow.checkout[local.b]", "b")
    runs = fnplan("runs", "workflow.checkout[local.b]", "--json", cwd=project).stdout
    assert len(json.loads(runs)) == 1
    assert_clean_error(
        fnplan("runs", "workflow.checkout[local.a]", cwd=project, check=None),
        "no runs of workflow.checkout[local.a]",
    )
    logs = fnplan("logs", "checkout[local.b]", "--json", cwd=project).stdout
    assert any(json.loads(line).get("step") == "greet" for line in logs.splitlines())
    invoked = fnplan(
        "invoke", "function.greet[local.a]", "--input", '{"name": "i"}', cwd=project
    ).stdout
    assert json.loads(invoked)["hello"] == "i"


def test_a_function_shared_by_workflows_on_different_targets(fnplan: Runner, project: Path) -> None:
    main = project / "main.hcl"
    main.write_text(
        main.read_text().replace(
            "targets = [provider.local.a, provider.local.b]", "target = provider.local.b"
        )
    )
    plan = fnplan("plan", cwd=project).stdout
    assert "+ function.greet[local.a] will be created" in plan
    assert "+ function.greet[local.b] will be created" in plan
    fnplan("apply", "--auto-approve", cwd=project)
    ran = _run(fnplan, project, "checkout", "one")
    assert Path(ran["code"]).is_relative_to(project / ".fnplan" / "local.b")
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)
    fnplan("destroy", "--auto-approve", cwd=project)
    assert not (project / ".fnplan" / "local.a").exists()
    assert not (project / ".fnplan" / "local.b").exists()


def test_an_output_names_one_target_copy(fnplan: Runner, project: Path) -> None:
    main = project / "main.hcl"
    text = main.read_text()
    main.write_text(
        text + 'output "on_b" {\n  value = workflow.checkout[provider.local.b].endpoint\n}\n'
    )
    fnplan("apply", "--auto-approve", cwd=project)
    outputs = json.loads(fnplan("output", "--json", cwd=project).stdout)
    assert "local.b" in json.dumps(outputs["on_b"])
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)

    main.write_text(text + 'output "any" {\n  value = workflow.checkout.endpoint\n}\n')
    assert_clean_error(
        fnplan("validate", cwd=project, check=None),
        "main.hcl:38:",
        "workflow.checkout is deployed to 2 targets",
        "workflow.checkout[provider.local.a].endpoint",
    )
