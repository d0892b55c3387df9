"""Events on AWS through the real `fnplan` command, against moto: an event is a detail-type
on the provider's `event_bus`, and event triggers' rules listen there; a bus that does not
exist is a clean error; a trigger that changes kind leaves nothing of its old kind."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.aws_endpoint import CREDENTIALS
from tests.cli.conftest import run_fnplan

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

output "bus" {
  value = event.order_placed.bus_arn
}
"""


def fnplan(root: Path, *args: str, check: int | None = 0) -> Any:
    return run_fnplan(*args, cwd=root, check=check, env=dict(CREDENTIALS))


def test_events_and_their_rules_use_the_configured_bus(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    bus = f"{prefix}-orders"
    root = tmp_path / "p"
    source = root / "functions" / "audit"
    source.mkdir(parents=True)
    (source / "main.py").write_text("def handler(event, context):\n    return event\n")
    (root / "main.hcl").write_text(
        f'provider "aws" {{\n  region = "us-east-1"\n  endpoint = "{aws_endpoint}"\n'
        f'  name_prefix = "{prefix}"\n  event_bus = "{bus}"\n}}\n' + PROJECT
    )
    missing = fnplan(root, "apply", "--auto-approve", check=1)
    assert f"there is no EventBridge bus '{bus}'" in missing.stdout + missing.stderr

    events = boto3.client("events", endpoint_url=aws_endpoint, region_name="us-east-1")
    arn = events.create_event_bus(Name=bus)["EventBusArn"]
    fnplan(root, "apply", "--auto-approve")
    assert fnplan(root, "output", "bus").stdout.strip() == arn
    (rule,) = events.list_rules(EventBusName=bus)["Rules"]
    assert json.loads(rule["EventPattern"]) == {"detail-type": ["com.example.order.placed"]}
    assert not [r for r in events.list_rules()["Rules"] if r["Name"].startswith(prefix)]
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    # the trigger becomes a schedule: its rule (and permission) go, a schedule comes
    text = (root / "main.hcl").read_text()
    (root / "main.hcl").write_text(
        text.replace("event  = event.order_placed", 'schedule = "@hourly"')
    )
    fnplan(root, "apply", "--auto-approve")
    assert not events.list_rules(EventBusName=bus)["Rules"]
    scheduler = boto3.client("scheduler", endpoint_url=aws_endpoint, region_name="us-east-1")
    (schedule,) = [s for s in scheduler.list_schedules()["Schedules"] if s["Name"] == rule["Name"]]
    assert scheduler.get_schedule(Name=schedule["Name"])["ScheduleExpression"] == (
        "cron(0 * * * ? *)"
    )
    lam = boto3.client("lambda", endpoint_url=aws_endpoint, region_name="us-east-1")
    function = json.loads(fnplan(root, "state", "pull").stdout)["resources"]["function.audit"]
    with pytest.raises(lam.exceptions.ResourceNotFoundException):  # no statement left
        lam.get_policy(FunctionName=function["outputs"]["name"], Qualifier="live")
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    fnplan(root, "destroy", "--auto-approve")
    assert not [s for s in scheduler.list_schedules()["Schedules"] if s["Name"] == rule["Name"]]
    assert not events.list_rules(EventBusName=bus)["Rules"]
    assert events.describe_event_bus(Name=bus)["Arn"] == arn  # not fnplan's to delete
