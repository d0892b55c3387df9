"""A dedicated workflow on AWS through the real `fnplan` command, against moto: its private
copies are Lambda functions and roles whose physical names start with the workflow's prefix
(`<name_prefix>-workflow-<W>-function-<F>-<hash>`), their logs go to their own log group
(`/aws/lambda/<copy>`), a step's `resources` reach its copy, and the state machine calls the
copy, never the shared function."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from tests.providers.aws.test_aws_workflows import client, fnplan, machines, write_project


def test_dedicated_copies_carry_the_workflow_prefix(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"d{uuid.uuid4().hex[:8]}"
    root = write_project(tmp_path / "p", aws_endpoint, prefix)
    main = root / "main.hcl"
    main.write_text(
        main.read_text() + '\nworkflow "batch" {\n  isolation = "dedicated"\n  step "fetch" {\n'
        "    function = function.fetch\n    input = { url = input.url }\n"
        "    resources {\n      memory = 512\n    }\n  }\n}\n"
    )
    fnplan(root, "apply", "--auto-approve")
    lam = client(aws_endpoint, "lambda")
    functions = {
        f["FunctionName"]: f
        for f in lam.list_functions()["Functions"]
        if f["FunctionName"].startswith(prefix)
    }
    (copy,) = [n for n in functions if n.startswith(f"{prefix}-workflow-batch-function-fetch-")]
    shared = next(n for n in functions if n.startswith(f"{prefix}-function-fetch-"))
    assert functions[copy]["MemorySize"] == 512 and functions[shared]["MemorySize"] != 512
    role = functions[copy]["Role"].rsplit("/", 1)[1]
    assert role.startswith(f"{prefix}-workflow.batch.function.fetch-"), role
    policy = client(aws_endpoint, "iam").get_role_policy(
        RoleName=role,
        PolicyName=client(aws_endpoint, "iam").list_role_policies(RoleName=role)["PolicyNames"][0],
    )["PolicyDocument"]
    assert f"log-group:/aws/lambda/{copy}" in json.dumps(policy), policy

    batch = next(arn for name, arn in machines(aws_endpoint, prefix).items() if "batch" in name)
    definition = client(aws_endpoint, "stepfunctions").describe_state_machine(
        stateMachineArn=batch
    )["definition"]
    assert f"function:{copy}:" in definition and f"function:{shared}" not in definition
    fnplan(root, "destroy", "--auto-approve")
    assert not [
        f for f in lam.list_functions()["Functions"] if f["FunctionName"].startswith(prefix)
    ]
