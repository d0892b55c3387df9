"""Adopting EventBridge rules on AWS through the real `fnplan` command, against moto: `fnplan
import trigger.X ARN` takes a rule made elsewhere, the next apply makes it fire what the
configuration says; `create` refuses a foreign rule under the name fnplan would choose."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3
from fnplan.providers.aws.trigger_access import trigger_name

from tests.aws_endpoint import CREDENTIALS
from tests.cli.conftest import assert_clean_error, run_fnplan

PROJECT = """
runtime "python" {
  language = "python3.12"
}

function "audit" {
  runtime = runtime.python
  source  = "./functions/audit"
}

event "order_placed" {
  type = "com.example.order.placed"
}

trigger "on_order" {
  event  = event.order_placed
  target = function.audit
}

trigger "on_upload" {
  source {
    storage {
      bucket = "BUCKET"
    }
  }
  target = function.audit
}
"""


def write_project(root: Path, endpoint: str, prefix: str) -> Path:
    source = root / "functions" / "audit"
    source.mkdir(parents=True, exist_ok=True)
    (source / "main.py").write_text("def handler(event, context):\n    return event\n")
    (root / "main.hcl").write_text(
        f'provider "aws" {{\n  region = "us-east-1"\n  endpoint = "{endpoint}"\n'
        f'  name_prefix = "{prefix}"\n}}\n' + PROJECT.replace("BUCKET", f"{prefix}-in")
    )
    client(endpoint, "s3").create_bucket(Bucket=f"{prefix}-in")
    return root


def fnplan(root: Path, *args: str, check: int | None = 0) -> Any:
    return run_fnplan(*args, cwd=root, check=check, env=dict(CREDENTIALS))


def client(endpoint: str, service: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")


def events(endpoint: str) -> Any:
    return client(endpoint, "events")


def legacy_rule(endpoint: str, name: str) -> str:
    """A rule someone made by hand, sending old events to a queue."""
    client = events(endpoint)
    arn = client.put_rule(Name=name, EventPattern=json.dumps({"detail-type": ["legacy"]}))
    client.put_targets(
        Rule=name, Targets=[{"Id": "old", "Arn": "arn:aws:sqs:us-east-1:123456789012:old"}]
    )
    return str(arn["RuleArn"])


def test_import_adopts_a_rule_and_the_next_apply_makes_it_fire_the_target(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    name = f"{prefix}-orders"
    arn = legacy_rule(aws_endpoint, name)
    root = write_project(tmp_path / "p", aws_endpoint, prefix)
    fnplan(root, "apply", "--auto-approve", "--target", "function.audit")
    fnplan(root, "import", "trigger.on_order", arn)
    plan = fnplan(root, "plan", "--detailed-exitcode", check=None)
    assert plan.returncode == 2 and "trigger.on_order will be updated in place" in plan.stdout, (
        plan.stdout
    )

    fnplan(root, "apply", "--auto-approve")
    client = events(aws_endpoint)
    pattern = json.loads(client.describe_rule(Name=name)["EventPattern"])
    assert pattern == {"detail-type": ["com.example.order.placed"]}
    (target,) = client.list_targets_by_rule(Rule=name)["Targets"]
    assert target["Arn"].endswith(":live") and target["Id"] == "fnplan"
    tags = {t["Key"]: t["Value"] for t in client.list_tags_for_resource(ResourceARN=arn)["Tags"]}
    assert tags["fnplan:address"] == "trigger.on_order"
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    fnplan(root, "destroy", "--auto-approve")
    assert not [r for r in client.list_rules()["Rules"] if r["Name"] == name]


def test_foreign_objects_under_fnplans_names_are_refused(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    legacy_rule(aws_endpoint, trigger_name("trigger.on_order", prefix))
    root = write_project(tmp_path / "p", aws_endpoint, prefix)
    someone_elses = {
        "Id": f"fnplan-{trigger_name('trigger.on_upload', prefix)}",
        "LambdaFunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:other",
        "Events": ["s3:ObjectCreated:*"],
    }
    client(aws_endpoint, "s3").put_bucket_notification_configuration(
        Bucket=f"{prefix}-in",
        NotificationConfiguration={"LambdaFunctionConfigurations": [someone_elses]},
    )
    result = fnplan(root, "apply", "--auto-approve", check=1)
    assert_clean_error(result)
    output = result.stdout + result.stderr  # apply reports a failed resource in its progress
    assert "was not created by this configuration" in output, output
    assert "hint: adopt it with: fnplan import trigger.on_order" in output
    assert "which this configuration did not create" in output and ":function:other" in output

    missing = fnplan(root, "import", "trigger.on_order", "nothing-here", check=1)
    assert_clean_error(missing)
    assert "no EventBridge rule named 'nothing-here'" in missing.stderr
