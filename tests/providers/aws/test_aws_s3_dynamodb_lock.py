"""The s3 backend with `dynamodb_table` through the real `fnplan` command, against moto: the
lock is an item of the table (LockID "bucket/key") naming its holder while an apply runs, a
second apply is refused naming that holder, a killed apply's lock is cleared by
`force-unlock`; mistakes in the lock settings are clean errors at the block."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import boto3

from tests.aws_endpoint import CREDENTIALS, create_bucket, create_lock_table
from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.state.backends.projects import FrozenApply, write_project


def backend(bucket: str, endpoint: str, settings: str) -> str:
    return (
        f'backend "s3" {{\n    bucket = "{bucket}"\n    key = "app/state.json"\n'
        f'    endpoint = "{endpoint}"\n{settings}  }}'
    )


def test_the_lock_is_an_item_of_the_table(tmp_path: Path, aws_endpoint: str) -> None:
    bucket, table = f"app-{uuid.uuid4().hex[:12]}", f"locks-{uuid.uuid4().hex[:12]}"
    create_bucket(aws_endpoint, bucket)
    create_lock_table(aws_endpoint, table)
    settings = f'    dynamodb_table = "{table}"\n'
    root = write_project(tmp_path / "p", count=4, backend=backend(bucket, aws_endpoint, settings))
    dynamodb = boto3.client("dynamodb", endpoint_url=aws_endpoint, region_name="us-east-1")
    s3 = boto3.client("s3", endpoint_url=aws_endpoint, region_name="us-east-1")
    frozen = FrozenApply(root, dict(CREDENTIALS))
    try:
        key = {"LockID": {"S": f"{bucket}/app/state.json"}}
        item = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]
        holder = json.loads(item["Info"]["S"])
        assert holder["operation"] == "apply" and holder["pid"] == frozen.process.pid
        listed = s3.list_objects_v2(Bucket=bucket).get("Contents", [])
        assert not [o for o in listed if o["Key"].endswith(".lock")]  # no lock object
        refused = run_fnplan("apply", "--auto-approve", cwd=root, check=None, env=CREDENTIALS)
        assert_clean_error(
            refused, "the state is locked by another fnplan", f"pid {frozen.process.pid}"
        )
        frozen.kill()  # killed while holding the lock: the item stays
        assert "Item" in dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)
        run_fnplan("force-unlock", holder["id"], cwd=root, env=CREDENTIALS)
        assert "Item" not in dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True)
        run_fnplan("apply", "--auto-approve", cwd=root, env=CREDENTIALS)
    finally:
        frozen.kill()


def test_lock_setting_mistakes_are_clean_errors(tmp_path: Path, aws_endpoint: str) -> None:
    bucket = f"app-{uuid.uuid4().hex[:12]}"
    create_bucket(aws_endpoint, bucket)
    cases = {
        '    dynamodb_table = "locks"\n    use_lockfile = true\n': "not both",
        "    use_lockfile = false\n": "use_lockfile = false needs dynamodb_table",
        '    dynamodb_table = "a"\n': "dynamodb_table must be a DynamoDB table name",
        '    dynamodb_table = "no-such-table"\n': "ResourceNotFoundException",
    }
    for settings, message in cases.items():
        root = write_project(tmp_path / "p", backend=backend(bucket, aws_endpoint, settings))
        result = run_fnplan("plan", cwd=root, check=None, env=CREDENTIALS)
        assert_clean_error(result, message)
    missing = run_fnplan("apply", "--auto-approve", cwd=root, check=None, env=CREDENTIALS)
    assert_clean_error(missing, "create the table with the partition key LockID")
