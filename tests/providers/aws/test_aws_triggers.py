"""Events and triggers on AWS through the real `fnplan` command, against moto in server mode:
every trigger kind deployed (Scheduler schedule, event and completion rules, S3 notification
merged into a bucket's own, SQS event source mapping, function URL) with the permissions and
roles it needs, read back with boto3; a second plan empty; drift; a new function version
reaching the triggers through the alias `live`; destroy removing exactly what fnplan made."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3

from tests.aws_endpoint import CREDENTIALS
from tests.cli.conftest import assert_clean_error, run_fnplan

TRIGGERS = """
data "aws_s3_bucket" "images" {
  name = "BUCKET"
}

event "order_placed" {
  type = "com.example.order.placed"
}

workflow "report" {
  step "audit" {
    function = function.audit
    input = { order = input.id }
  }
}

trigger "nightly" {
  schedule = "0 2 * * 1-5"
  target   = workflow.report
}

trigger "on_order" {
  event  = event.order_placed
  target = function.audit
}

trigger "order_summary" {
  event  = event.order_placed
  target = function.audit
  input  = { order = input.id, first = input.items[0], from = event.source, fixed = [1, 2] }
}

trigger "order_report" {
  event  = event.order_placed
  target = workflow.report
  input  = { id = "fixed" }
}

trigger "after" {
  on_completion = workflow.report
  target        = function.audit
}

trigger "on_upload" {
  source {
    storage {
      bucket = data.aws_s3_bucket.images.name
      prefix = "in/"
      events = ["created"]
    }
  }
  target = function.resize
}

trigger "on_job" {
  source {
    queue {
      queue      = "QUEUE"
      batch_size = 5
    }
  }
  target = function.resize
}

trigger "api" {
  source {
    http {
      auth = "none"
    }
  }
  target = function.audit
}

trigger "report_jobs" {
  source {
    queue {
      queue = "QUEUE-reports"
    }
  }
  target = workflow.report
}

trigger "report_api" {
  source {
    http {
      method = "PUT"
      path   = "/reports"
    }
  }
  target = workflow.report
}

output "api_url" {
  value = trigger.api.url
}
"""


def write_project(
    root: Path, endpoint: str, prefix: str, bucket: str, queue: str, code: str = "return event"
) -> Path:
    for name in ("audit", "resize"):
        source = root / "functions" / name
        source.mkdir(parents=True, exist_ok=True)
        (source / "main.py").write_text(f"def handler(event, context):\n    {code}\n")
    functions = "".join(
        f'function "{name}" {{\n  runtime = runtime.python\n  source = "./functions/{name}"\n}}\n'
        for name in ("audit", "resize")
    )
    (root / "main.hcl").write_text(
        f'provider "aws" {{\n  region = "us-east-1"\n  endpoint = "{endpoint}"\n'
        f'  name_prefix = "{prefix}"\n}}\n\n'
        'runtime "python" {\n  language = "python3.12"\n}\n\n'
        + functions
        + TRIGGERS.replace("BUCKET", bucket).replace("QUEUE", queue)
    )
    return root


def fnplan(root: Path, *args: str, check: int | None = 0) -> Any:
    return run_fnplan(*args, cwd=root, check=check, env=dict(CREDENTIALS))


def client(endpoint: str, service: str) -> Any:
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")


def records(root: Path) -> dict[str, Any]:
    return dict(json.loads(fnplan(root, "state", "pull").stdout)["resources"])


def policy_statements(endpoint: str, function: str) -> list[dict[str, Any]]:
    policy = client(endpoint, "lambda").get_policy(FunctionName=function, Qualifier="live")
    return list(json.loads(policy["Policy"])["Statement"])


FOREIGN = {
    "Id": "someone-elses",
    "Events": ["s3:ObjectRemoved:*"],
}


def test_every_trigger_kind_is_deployed_read_back_and_destroyed(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    bucket, queue = f"{prefix}-images", f"{prefix}-jobs"
    s3, sqs = client(aws_endpoint, "s3"), client(aws_endpoint, "sqs")
    s3.create_bucket(Bucket=bucket)
    queue_url = sqs.create_queue(QueueName=queue)["QueueUrl"]
    reports_url = sqs.create_queue(QueueName=f"{queue}-reports")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    foreign = {**FOREIGN, "QueueArn": queue_arn}
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [foreign]}
    )
    root = write_project(tmp_path / "p", aws_endpoint, prefix, bucket, queue)
    fnplan(root, "apply", "--auto-approve")
    state = records(root)
    audit = state["function.audit"]["outputs"]["name"]
    resize = state["function.resize"]["outputs"]["name"]
    machine = state["workflow.report"]["outputs"]["arn"]
    lam = client(aws_endpoint, "lambda")
    audit_live = lam.get_alias(FunctionName=audit, Name="live")["AliasArn"]
    resize_live = lam.get_alias(FunctionName=resize, Name="live")["AliasArn"]

    # schedule: Scheduler, UTC, through a role that may start exactly the state machine
    objects = state["trigger.nightly"]["outputs"]["objects"]
    schedule = client(aws_endpoint, "scheduler").get_schedule(Name=objects["schedule"])
    assert schedule["ScheduleExpression"] == "cron(0 2 ? * MON,TUE,WED,THU,FRI *)"
    assert schedule["Target"]["Arn"] == machine
    assert json.loads(schedule["Target"]["Input"]) == {
        "time": "<aws.scheduler.scheduled-time>",
        "trigger": "trigger.nightly",
    }
    role = schedule["Target"]["RoleArn"].rsplit("/", 1)[1]
    iam = client(aws_endpoint, "iam")
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "scheduler.amazonaws.com"}
    allowed = iam.get_role_policy(RoleName=role, PolicyName="fnplan")["PolicyDocument"]
    assert allowed["Statement"] == [
        {"Effect": "Allow", "Action": "states:StartExecution", "Resource": machine}
    ]

    # event: a rule on the CloudEvents type; a function target through the alias's policy
    events = client(aws_endpoint, "events")
    rule = state["trigger.on_order"]["outputs"]["objects"]["rule"]
    described = events.describe_rule(Name=rule)
    assert json.loads(described["EventPattern"]) == {"detail-type": ["com.example.order.placed"]}
    tags = events.list_tags_for_resource(ResourceARN=described["Arn"])["Tags"]
    assert {"Key": "fnplan:address", "Value": "trigger.on_order"} in tags
    (target,) = events.list_targets_by_rule(Rule=rule)["Targets"]
    assert target["Arn"] == audit_live and target["InputPath"] == "$.detail"
    by_sid = {s["Sid"]: s for s in policy_statements(aws_endpoint, audit)}
    statement = by_sid[state["trigger.on_order"]["outputs"]["objects"]["permission"]["sid"]]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == described["Arn"]
    # an input copying values out of the event: EventBridge's input transformer
    rule = state["trigger.order_summary"]["outputs"]["objects"]["rule"]
    (target,) = events.list_targets_by_rule(Rule=rule)["Targets"]
    transformer = target["InputTransformer"]
    paths = transformer["InputPathsMap"]
    assert sorted(paths.values()) == ["$.detail.id", "$.detail.items[0]", "$.source"]
    filled = transformer["InputTemplate"]
    for name, path in paths.items():  # what EventBridge does with an event
        value = {"$.detail.id": "o-1", "$.detail.items[0]": {"qty": 2}, "$.source": "shop"}[path]
        filled = filled.replace(f"<{name}>", json.dumps(value))
    assert json.loads(filled) == {
        "order": "o-1",
        "first": {"qty": 2},
        "from": "shop",
        "fixed": [1, 2],
    }
    # a workflow target: the rule's role starts it, with the trigger's constant input
    rule = state["trigger.order_report"]["outputs"]["objects"]["rule"]
    (target,) = events.list_targets_by_rule(Rule=rule)["Targets"]
    assert target["Arn"] == machine and json.loads(target["Input"]) == {"id": "fixed"}
    assert target["RoleArn"].rsplit("/", 1)[1] != role

    # completion: Step Functions' status changes of the source workflow's state machine
    rule = state["trigger.after"]["outputs"]["objects"]["rule"]
    pattern = json.loads(events.describe_rule(Name=rule)["EventPattern"])
    assert pattern["source"] == ["aws.states"]
    assert pattern["detail"]["stateMachineArn"] == [machine]
    (target,) = events.list_targets_by_rule(Rule=rule)["Targets"]
    assert target["Arn"] == audit_live and "InputTransformer" in target

    # storage: fnplan's entry merged beside the bucket's own
    notifications = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert notifications["QueueConfigurations"][0]["Id"] == "someone-elses"
    (ours,) = notifications["LambdaFunctionConfigurations"]
    assert ours["Id"].startswith("fnplan-") and ours["LambdaFunctionArn"] == resize_live
    assert ours["Events"] == ["s3:ObjectCreated:*"]
    assert ours["Filter"]["Key"]["FilterRules"] == [{"Name": "prefix", "Value": "in/"}]
    principals = [s["Principal"] for s in policy_statements(aws_endpoint, resize)]
    assert {"Service": "s3.amazonaws.com"} in principals

    # queue: an event source mapping, and the function's role may read the queue
    mapping_id = state["trigger.on_job"]["outputs"]["objects"]["mapping"]
    mapping = lam.get_event_source_mapping(UUID=mapping_id)
    assert mapping["EventSourceArn"] == queue_arn and mapping["BatchSize"] == 5
    role_name, policy_name = state["trigger.on_job"]["outputs"]["objects"]["policy"]
    read = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
    assert read["Statement"][0]["Resource"] == queue_arn

    # queue of a workflow: an EventBridge pipe from the queue, one execution per message
    objects = state["trigger.report_jobs"]["outputs"]["objects"]
    pipe = client(aws_endpoint, "pipes").describe_pipe(Name=objects["pipe"])
    reports_arn = sqs.get_queue_attributes(QueueUrl=reports_url, AttributeNames=["QueueArn"])
    assert pipe["Source"] == reports_arn["Attributes"]["QueueArn"] and pipe["Target"] == machine
    assert pipe["SourceParameters"]["SqsQueueParameters"]["BatchSize"] == 1
    parameters = pipe["TargetParameters"]["StepFunctionStateMachineParameters"]
    assert parameters["InvocationType"] == "FIRE_AND_FORGET"
    pipe_role = pipe["RoleArn"].rsplit("/", 1)[1]
    allowed = iam.get_role_policy(RoleName=pipe_role, PolicyName="fnplan")["PolicyDocument"]
    assert [s["Resource"] for s in allowed["Statement"]] == [machine, objects["queue_arn"]]

    # http: the live alias's public function URL, the root output naming it
    url = lam.get_function_url_config(FunctionName=audit, Qualifier="live")
    assert url["AuthType"] == "NONE"
    assert fnplan(root, "output", "api_url").stdout.strip() == url["FunctionUrl"]
    actions = [s["Action"] for s in policy_statements(aws_endpoint, audit)]
    assert "lambda:InvokeFunctionUrl" in actions
    # http of a workflow: an HTTP API whose route starts the state machine, signed callers only
    gateway = client(aws_endpoint, "apigatewayv2")
    objects = state["trigger.report_api"]["outputs"]["objects"]
    route = gateway.get_route(ApiId=objects["api"], RouteId=objects["route"])
    assert route["RouteKey"] == "PUT /reports" and route["AuthorizationType"] == "AWS_IAM"
    integration = gateway.get_integration(
        ApiId=objects["api"], IntegrationId=objects["integration"]
    )
    assert integration["IntegrationSubtype"] == "StepFunctions-StartExecution"
    assert integration["RequestParameters"] == {
        "StateMachineArn": machine,
        "Input": "$request.body",
    }
    api_role = integration["CredentialsArn"].rsplit("/", 1)[1]
    trust = iam.get_role(RoleName=api_role)["Role"]["AssumeRolePolicyDocument"]
    assert trust["Statement"][0]["Principal"] == {"Service": "apigateway.amazonaws.com"}
    assert state["trigger.report_api"]["outputs"]["url"].endswith("/reports")

    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    # a rule edited in the console is drift on the attribute that configures it; a tool that
    # rewrites the bucket's notifications without fnplan's entry makes it be created again
    rule = state["trigger.on_order"]["outputs"]["objects"]["rule"]
    events.put_rule(Name=rule, EventPattern=json.dumps({"detail-type": ["other"]}))
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [foreign]}
    )
    drift = fnplan(root, "plan", "--detailed-exitcode", check=None)
    assert drift.returncode == 2 and "trigger.on_order" in drift.stdout, drift.stdout
    assert "event_type" in drift.stdout, drift.stdout
    assert "trigger.on_upload will be created" in drift.stdout, drift.stdout
    fnplan(root, "apply", "--auto-approve")
    pattern = json.loads(events.describe_rule(Name=rule)["EventPattern"])
    assert pattern == {"detail-type": ["com.example.order.placed"]}
    restored = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert [e["Id"] for e in restored["LambdaFunctionConfigurations"]] == [ours["Id"]]
    assert restored["QueueConfigurations"][0]["Id"] == "someone-elses"

    # a new version of a function moves its alias `live`; no trigger changes
    write_project(root, aws_endpoint, prefix, bucket, queue, code="return {'v': 2}")
    applied = fnplan(root, "apply", "--auto-approve").stdout  # the plan it applied, first
    assert "function.audit will be updated in place" in applied, applied
    assert "trigger." not in applied.split("Plan:")[0].replace("trigger.api.url", ""), applied
    number = str(records(root)["function.audit"]["outputs"]["version_number"])
    assert lam.get_alias(FunctionName=audit, Name="live")["FunctionVersion"] == number
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    fnplan(root, "destroy", "--auto-approve")
    left = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert "LambdaFunctionConfigurations" not in left
    assert left["QueueConfigurations"][0]["Id"] == "someone-elses"
    assert not [r for r in events.list_rules()["Rules"] if r["Name"].startswith(prefix)]
    schedules = client(aws_endpoint, "scheduler").list_schedules()["Schedules"]
    assert not [s for s in schedules if s["Name"].startswith(prefix)]
    assert not lam.list_event_source_mappings(EventSourceArn=queue_arn)["EventSourceMappings"]
    assert not [a for a in gateway.get_apis()["Items"] if a["Name"].startswith(prefix)]
    pipes = client(aws_endpoint, "pipes").list_pipes()["Pipes"]
    assert not [p for p in pipes if p["Name"].startswith(prefix)]
    roles = iam.list_roles()["Roles"]
    assert not [r for r in roles if r["RoleName"].startswith(prefix)]


def test_what_aws_cannot_express_is_a_validate_error(tmp_path: Path, aws_endpoint: str) -> None:
    root = tmp_path / "p"
    source = root / "functions" / "audit"
    source.mkdir(parents=True)
    (source / "main.py").write_text("def handler(event, context):\n    return event\n")
    (root / "main.hcl").write_text(
        f'provider "aws" {{\n  region = "us-east-1"\n  endpoint = "{aws_endpoint}"\n}}\n\n'
        'runtime "python" {\n  language = "python3.12"\n}\n\n'
        'function "audit" {\n  runtime = runtime.python\n  source = "./functions/audit"\n}\n'
        'workflow "report" {\n  step "a" {\n    function = function.audit\n  }\n}\n'
        'trigger "both_days" {\n  schedule = "0 2 1 * 1"\n  target = function.audit\n}\n'
        'trigger "upload" {\n  source {\n    storage {\n      bucket = "b"\n'
        '      colour = "red"\n    }\n  }\n  target = workflow.report\n}\n'
        'trigger "after" {\n  on_completion = function.audit\n  target = function.audit\n'
        "  input = { id = input.id }\n}\n"
        'event "e" {\n  type = "t"\n}\n'
        'trigger "computed" {\n  event = event.e\n  target = function.audit\n'
        '  input = { id = "id-${input.id}" }\n}\n'
        'variable "token" {\n  default = "s3cr3t-t0ken"\n  sensitive = true\n}\n'
        'trigger "secret" {\n  schedule = "@daily"\n  target = function.audit\n'
        "  input = { token = var.token }\n}\n"
    )
    result = fnplan(root, "validate", check=1)
    assert_clean_error(result)
    assert "main.hcl:20:14: error: trigger.both_days.schedule" in result.stderr, (
        result.stderr
    )  # the schedule's value
    assert "cannot fire on a day of the month or a weekday" in result.stderr
    assert "a storage source on AWS takes bucket, prefix, suffix, events, not 'colour'" in (
        result.stderr
    )
    assert "on AWS a storage trigger starts a function" in result.stderr
    assert "a function's completion sends no event" in result.stderr
    assert "on AWS a completion trigger's input is a constant" in result.stderr
    assert "trigger.computed.input: on AWS an event trigger's input may copy values" in (
        result.stderr
    )
    assert "trigger.secret.input: the input holds a sensitive value" in result.stderr
    assert "s3cr3t-t0ken" not in result.stderr + result.stdout
