"""Workflows on AWS through the real `fnplan` command, against moto in server mode: state
machines generated from the workflow (statelint-clean as deployed), a version and alias per
fnplan version, a parent calling its child's version alias, the least-privilege role, the
expression function, drift, `fnplan render`, destroy."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3

from tests.aws_endpoint import CREDENTIALS
from tests.cli.conftest import run_fnplan
from tests.providers.aws.asl_lint import lint

WORKFLOWS = """
workflow "child" {
  step "tag" {
    function = function.tag
    input = { label = input.label }
  }
  output = { label = step.tag.output.label }
}

workflow "parent" {
  step "fetch" {
    function = function.fetch
    input = { url = input.url, note = "id-${input.id}" }
  }
  step "tag" {
    workflow = workflow.child
    nesting  = "call"
    input = { label = step.fetch.output.url }
    when = step.fetch.output.ok
  }
  output = { size = length(step.fetch.output.url) + 1, tagged = step.tag.output }
}
"""


def write_project(root: Path, endpoint: str, prefix: str, code: str = "return event") -> Path:
    for name in ("fetch", "tag"):
        source = root / "functions" / name
        source.mkdir(parents=True, exist_ok=True)
        (source / "main.py").write_text(f"def handler(event, context):\n    {code}\n")
    functions = "".join(
        f'function "{name}" {{\n  runtime = runtime.python\n  source = "./functions/{name}"\n}}\n'
        for name in ("fetch", "tag")
    )
    (root / "main.hcl").write_text(
        f'provider "aws" {{\n  region = "us-east-1"\n  endpoint = "{endpoint}"\n'
        f'  name_prefix = "{prefix}"\n}}\n\n'
        'runtime "python" {\n  language = "python3.12"\n}\n\n' + functions + WORKFLOWS
    )
    return root


def fnplan(root: Path, *args: str, check: int | None = 0) -> Any:
    return run_fnplan(*args, cwd=root, check=check, env=dict(CREDENTIALS))


def client(endpoint: str, service: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")


def machines(endpoint: str, prefix: str) -> dict[str, str]:
    found = client(endpoint, "stepfunctions").list_state_machines()["stateMachines"]
    return {m["name"]: m["stateMachineArn"] for m in found if m["name"].startswith(prefix)}


def test_workflows_deploy_as_versioned_state_machines(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"w{uuid.uuid4().hex[:8]}"
    root = write_project(tmp_path / "p", aws_endpoint, prefix)
    fnplan(root, "apply", "--auto-approve")
    deployed = machines(aws_endpoint, prefix)
    parent = next(arn for name, arn in deployed.items() if "parent" in name)
    child = next(arn for name, arn in deployed.items() if "child" in name)
    sfn = client(aws_endpoint, "stepfunctions")
    definition = json.loads(sfn.describe_state_machine(stateMachineArn=parent)["definition"])
    assert lint(definition) == []
    state = json.loads(fnplan(root, "state", "pull").stdout)["resources"]
    child_outputs = state["workflow.child"]["outputs"]
    text = json.dumps(definition)
    assert child_outputs["version_arn"] in text  # the parent starts the child's version alias
    assert state["function.fetch"]["outputs"]["version_arn"] in text
    assert "arn:aws:states:::states:startExecution.sync:2" in text
    assert child.endswith(child_outputs["name"])

    role = state["workflow.parent"]["outputs"]["role_arn"].split("/")[-1]
    policy = client(aws_endpoint, "iam").get_role_policy(RoleName=role, PolicyName="fnplan")
    statements = json.dumps(policy["PolicyDocument"])
    assert state["function.fetch"]["outputs"]["arn"] in statements
    expressions = [
        f["FunctionName"]
        for f in client(aws_endpoint, "lambda").list_functions()["Functions"]
        if f["FunctionName"].startswith(prefix) and "expressions" in f["FunctionName"]
    ]
    assert len(expressions) == 1  # the parent's output needs fnplan's evaluator; the child not
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    rendered = fnplan(root, "render", "--provider", "aws", "workflow.parent").stdout
    assert '"QueryLanguage": "JSONata"' in rendered

    write_project(root, aws_endpoint, prefix, code="return {'ok': True, 'url': 'x'}")
    fnplan(root, "apply", "--auto-approve")
    after = json.loads(fnplan(root, "state", "pull").stdout)["resources"]
    assert after["workflow.parent"]["outputs"]["version_number"] == 2
    assert len(after["workflow.parent"]["outputs"]["versions"]) == 2

    sfn.update_state_machine(stateMachineArn=parent, definition=json.dumps(_pass_only()))
    drift = fnplan(root, "plan", "--detailed-exitcode", check=None)
    assert drift.returncode == 2 and "workflow.parent" in drift.stdout, drift.stdout
    fnplan(root, "apply", "--auto-approve")
    restored = json.loads(sfn.describe_state_machine(stateMachineArn=parent)["definition"])
    assert restored != _pass_only()
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    fnplan(root, "destroy", "--auto-approve")
    assert machines(aws_endpoint, prefix) == {}
    lam = client(aws_endpoint, "lambda").list_functions()["Functions"]
    assert [f for f in lam if f["FunctionName"].startswith(prefix)] == []


def _pass_only() -> dict[str, Any]:
    return {
        "QueryLanguage": "JSONata",
        "StartAt": "A",
        "States": {"A": {"Type": "Pass", "End": True}},
    }
