"""AWS data sources through the real `fnplan` command, against moto in server mode: a bucket,
a role, a secret and an event bus read by name, their attributes used by a function and an
output, and a missing object reported at its block."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3

from tests.aws_endpoint import CREDENTIALS
from tests.cli.conftest import assert_clean_error, run_fnplan

ROLE_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def client(service: str, endpoint: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")


def existing_objects(endpoint: str, name: str) -> dict[str, str]:
    """A bucket, a role, a secret and a bus fnplan does not own; their ARNs."""
    client("s3", endpoint).create_bucket(Bucket=name)
    role = client("iam", endpoint).create_role(RoleName=name, AssumeRolePolicyDocument=ROLE_POLICY)
    secret = client("secretsmanager", endpoint).create_secret(Name=name, SecretString="hush-42")
    bus = client("events", endpoint).create_event_bus(Name=name)
    return {
        "bucket": f"arn:aws:s3:::{name}",
        "role": role["Role"]["Arn"],
        "secret": secret["ARN"],
        "bus": bus["EventBusArn"],
    }


def write_project(root: Path, endpoint: str, prefix: str, name: str) -> Path:
    source = root / "functions" / "resize"
    source.mkdir(parents=True, exist_ok=True)
    (source / "main.py").write_text("def handler(event, context):\n    return event\n")
    (root / "main.hcl").write_text(
        f'provider "aws" {{\n  region = "us-east-1"\n  endpoint = "{endpoint}"\n'
        f'  name_prefix = "{prefix}"\n}}\n\n'
        f'data "aws_s3_bucket" "images" {{\n  name = "{name}"\n}}\n\n'
        f'data "aws_iam_role" "exec" {{\n  name = "{name}"\n}}\n\n'
        f'data "aws_secret" "db" {{\n  name = "{name}"\n}}\n\n'
        f'data "aws_event_bus" "orders" {{\n  name = "{name}"\n}}\n\n'
        'runtime "python" {\n  language = "python3.12"\n}\n\n'
        'function "resize" {\n  runtime = runtime.python\n  source = "./functions/resize"\n'
        "  env = {\n    BUCKET = data.aws_s3_bucket.images.arn\n"
        "    SECRET = data.aws_secret.db.arn\n  }\n}\n\n"
        'output "role" {\n  value = data.aws_iam_role.exec.arn\n}\n\n'
        'output "bus" {\n  value = data.aws_event_bus.orders.arn\n}\n\n'
        'output "region" {\n  value = data.aws_s3_bucket.images.region\n}\n'
    )
    return root


def fnplan(root: Path, *args: str, check: int | None = 0) -> Any:
    return run_fnplan(*args, cwd=root, check=check, env=dict(CREDENTIALS))


def test_data_sources_read_existing_objects_by_name(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    name = f"fnplan-data-{prefix}"
    arns = existing_objects(aws_endpoint, name)
    root = write_project(tmp_path / "p", aws_endpoint, prefix, name)
    plan = fnplan(root, "plan")
    assert "data.aws_secret.db" in plan.stdout and "hush-42" not in plan.stdout, plan.stdout
    fnplan(root, "apply", "--auto-approve")
    (function,) = [
        f
        for f in client("lambda", aws_endpoint).list_functions()["Functions"]
        if f["FunctionName"].startswith(prefix)
    ]
    variables = function["Environment"]["Variables"]
    assert variables == {"BUCKET": arns["bucket"], "SECRET": arns["secret"]}
    outputs = json.loads(fnplan(root, "output", "--json").stdout)
    assert outputs["role"]["value"] == arns["role"]
    assert outputs["bus"]["value"] == arns["bus"]
    assert outputs["region"]["value"] == "us-east-1"
    state = fnplan(root, "state", "pull").stdout
    assert "hush-42" not in state  # a secret's ARN, never its value
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0
    fnplan(root, "destroy", "--auto-approve")
    # the objects read stay: fnplan never owned them
    assert client("iam", aws_endpoint).get_role(RoleName=name)["Role"]["Arn"] == arns["role"]
    client("s3", aws_endpoint).head_bucket(Bucket=name)


def test_missing_object_and_unknown_argument_are_errors_at_the_block(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    root = tmp_path / "p"
    root.mkdir()
    provider = f'provider "aws" {{\n  region = "us-east-1"\n  endpoint = "{aws_endpoint}"\n}}\n\n'
    (root / "main.hcl").write_text(
        provider + f'data "aws_iam_role" "gone" {{\n  name = "{prefix}-none"\n}}\n'
    )
    result = fnplan(root, "validate", check=1)
    assert_clean_error(result, "main.hcl:6:")
    assert f"{prefix}-none" in result.stderr and "aws_iam_role" in result.stderr, result.stderr
    (root / "main.hcl").write_text(provider + 'data "aws_secret" "db" {\n  value = "x"\n}\n')
    result = fnplan(root, "validate", check=1)
    assert_clean_error(result, "main.hcl:7:3:", "unknown argument 'value'", "allowed: name")
