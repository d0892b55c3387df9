"""`fnplan import` on AWS through the real command, against moto in server mode: an existing
Lambda function (by ARN) adopted with its observed settings, the next plan showing what
differs, the apply making it the configuration's and tagging it as this state's."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path

import boto3
import pytest

from tests.cli.conftest import assert_clean_error
from tests.providers.aws.test_aws_data import ROLE_POLICY
from tests.providers.aws.test_aws_functions import fnplan, lam, write_project


def legacy_function(endpoint: str, name: str) -> str:
    """A Lambda function fnplan did not create (no tags); its ARN."""
    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("main.py", "def handler(event, context):\n    return 'old'\n")
    made = lam(endpoint).create_function(
        FunctionName=name,
        Runtime="python3.12",
        Role=role,
        Handler="main.handler",
        Code={"ZipFile": package.getvalue()},
        MemorySize=512,
        Environment={"Variables": {"OLD": "1"}},
    )
    return str(made["FunctionArn"])


def test_import_adopts_a_function_by_arn_and_the_next_apply_makes_it_ours(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    name = f"{prefix}-legacy"
    arn = legacy_function(aws_endpoint, name)
    root = write_project(tmp_path / "p", aws_endpoint, prefix)
    fnplan(root, "import", "function.resize", arn)
    record = json.loads(fnplan(root, "state", "pull").stdout)["resources"]["function.resize"]
    assert record["attributes"]["memory"] == 512 and record["outputs"]["name"] == name
    plan = fnplan(root, "plan", "--detailed-exitcode", check=None)
    assert plan.returncode == 2 and "function.resize will be updated in place" in plan.stdout
    assert "memory: 512 → 256" in plan.stdout, plan.stdout

    fnplan(root, "apply", "--auto-approve")
    config = lam(aws_endpoint).get_function(FunctionName=name)
    assert config["Configuration"]["MemorySize"] == 256
    assert config["Configuration"]["Environment"]["Variables"] == {"MODE": "fast"}
    assert config["Tags"]["fnplan:address"] == "function.resize"
    lineage = json.loads(fnplan(root, "state", "pull").stdout)["lineage"]
    assert config["Tags"]["fnplan:lineage"] == lineage
    aliases = lam(aws_endpoint).list_aliases(FunctionName=name)["Aliases"]
    assert sorted(a["Name"] for a in aliases) == ["live", f"v-{record_version(root)[:16]}"]
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    fnplan(root, "destroy", "--auto-approve")
    with pytest.raises(lam(aws_endpoint).exceptions.ResourceNotFoundException):
        lam(aws_endpoint).get_function(FunctionName=name)


def test_rollout_commands_reach_an_imported_function_under_its_own_name(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    name = f"{prefix}-legacy"  # not the name fnplan would give function.resize
    root = write_project(tmp_path / "p", aws_endpoint, prefix)
    fnplan(root, "import", "function.resize", legacy_function(aws_endpoint, name))
    fnplan(root, "apply", "--auto-approve")
    live = lam(aws_endpoint).get_alias(FunctionName=name, Name="live")
    newer = lam(aws_endpoint).publish_version(FunctionName=name, Description="canary")["Version"]
    lam(aws_endpoint).update_alias(  # a rollout in flight: 25% on the newer version
        FunctionName=name,
        Name="live",
        FunctionVersion=live["FunctionVersion"],
        RoutingConfig={"AdditionalVersionWeights": {newer: 0.25}},
    )

    status = json.loads(fnplan(root, "rollout", "status", "function.resize", "--json").stdout)
    assert status["state"] == "in progress" and status["percent"] == 25, status
    assert status["alias"].endswith(f":function:{name}:live")
    fnplan(root, "rollout", "abort", "function.resize")
    after = lam(aws_endpoint).get_alias(FunctionName=name, Name="live")
    assert after["FunctionVersion"] == live["FunctionVersion"]
    assert not (after.get("RoutingConfig") or {}).get("AdditionalVersionWeights")


def record_version(root: Path) -> str:
    state = json.loads(fnplan(root, "state", "pull").stdout)
    return str(state["resources"]["function.resize"]["outputs"]["version"])


def test_importing_a_missing_function_is_an_error(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    root = write_project(tmp_path / "p", aws_endpoint, prefix)
    result = fnplan(root, "import", "function.resize", f"{prefix}-nothing", check=None)
    assert_clean_error(result, f"cannot import '{prefix}-nothing' as function.resize")
    assert "function.resize" not in json.loads(fnplan(root, "state", "pull").stdout)["resources"]


def test_import_adopts_a_state_machine_by_name(tmp_path: Path, aws_endpoint: str) -> None:
    from tests.providers.aws import test_aws_workflows as flows

    prefix = f"t{uuid.uuid4().hex[:8]}"
    name = f"{prefix}-legacy-flow"
    iam = boto3.client("iam", endpoint_url=aws_endpoint, region_name="us-east-1")
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=ROLE_POLICY)["Role"]["Arn"]
    sfn = flows.client(aws_endpoint, "stepfunctions")
    legacy = '{"StartAt": "Done", "States": {"Done": {"Type": "Pass", "End": true}}}'
    arn = sfn.create_state_machine(name=name, definition=legacy, roleArn=role)["stateMachineArn"]
    root = flows.write_project(tmp_path / "p", aws_endpoint, prefix)
    flows.fnplan(root, "import", "workflow.child", name)
    plan = flows.fnplan(root, "plan", "--detailed-exitcode", check=None)
    assert plan.returncode == 2 and "workflow.child will be updated in place" in plan.stdout

    flows.fnplan(root, "apply", "--auto-approve")
    found = sfn.describe_state_machine(stateMachineArn=arn)
    assert json.loads(found["definition"]) != json.loads(legacy)
    tags = {t["key"]: t["value"] for t in sfn.list_tags_for_resource(resourceArn=arn)["tags"]}
    assert tags["fnplan:address"] == "workflow.child"
    state = json.loads(flows.fnplan(root, "state", "pull").stdout)
    outputs = state["resources"]["workflow.child"]["outputs"]
    assert outputs["name"] == name and outputs["version_arn"].startswith(arn + ":v-")
    assert flows.fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    flows.fnplan(root, "destroy", "--auto-approve")
    assert name not in {m["name"] for m in sfn.list_state_machines()["stateMachines"]}
