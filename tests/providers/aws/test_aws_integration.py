"""examples/aws end to end through the real `fnplan` command, against moto in server mode:
apply, every object checked with boto3, a second plan that changes nothing, a code change
publishing exactly one Lambda version that the shared workflow then calls, a memory edit made
outside fnplan reported as drift, and destroy leaving nothing behind in any service, but the
uploads bucket (the user's) with its own notification.

examples/aws is examples/quickstart with the aws provider: a test here keeps the two the same
project (same code, schemas and data; main.hcl differing only where README.md says), plus the
triggers only AWS has there (an event rule, the uploads bucket's notification) and the
function the bucket notifies."""

from __future__ import annotations

import difflib
import filecmp
import importlib.util
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
import pytest

from providers.aws.functions import alias_name
from tests.aws_endpoint import CREDENTIALS
from tests.cli.conftest import run_fnplan
from tests.conftest import EXAMPLES

#: the shared functions the quickstart's blocks declare, and the copies dedicated `catalog` owns
SHARED = ["function.fetch", "function.resize", "function.report_failure"]
#: the function only examples/aws has: what the uploads bucket notifies
UPLOADS = "function.log_upload"
MODULE = ["module.vision.function.detect", "module.vision.function.tag"]
COPIES = [
    "workflow.catalog.function.fetch",
    "workflow.catalog.module.vision.function.detect",
    "workflow.catalog.module.vision.function.tag",
]
WORKFLOWS = ["workflow.thumbnail", "workflow.catalog", "module.vision.workflow.classify"]
#: the quickstart's lines that examples/aws replaces (README.md says why); it only adds others
REPLACED_LINES = {
    "# fnplan quickstart: two workflows on this machine, using every node type and dependency"
    " kind.",
    'provider "local" {}',
    'output "thumbnail_endpoint" {',
    "  value = workflow.thumbnail.endpoint",
}
#: a notification of the uploads bucket that is not fnplan's: apply and destroy keep it
FOREIGN = {"Id": "someone-elses", "Events": ["s3:ObjectRemoved:*"]}


class Project:
    """A copy of examples/aws deployed to moto under a prefix of its own."""

    def __init__(self, root: Path, endpoint: str) -> None:
        self.root = root
        self.endpoint = endpoint
        self.prefix = f"i{uuid.uuid4().hex[:7]}"
        self.bucket = f"{self.prefix}-uploads"
        self.env = {
            **CREDENTIALS,
            "FNPLAN_VAR_aws_endpoint": endpoint,
            "FNPLAN_VAR_env": self.prefix,
            "FNPLAN_VAR_uploads_bucket": self.bucket,
        }

    def fnplan(self, *args: str, check: int | None = 0) -> Any:
        return run_fnplan(*args, cwd=self.root, check=check, env=self.env)

    def client(self, service: str) -> Any:
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1")

    def outputs(self) -> dict[str, dict[str, Any]]:
        state = json.loads(self.fnplan("state", "pull").stdout)
        return {address: r["outputs"] for address, r in state["resources"].items()}

    def mine(self, names: list[str]) -> list[str]:
        return sorted(name for name in names if f"{self.prefix}-" in name)

    def create_uploads_bucket(self) -> dict[str, Any]:
        """The bucket README.md says to create first, with a notification of someone else's
        (to a queue); returns that notification entry."""
        s3, sqs = self.client("s3"), self.client("sqs")
        s3.create_bucket(Bucket=self.bucket)
        queue = sqs.create_queue(QueueName=f"{self.prefix}-deleted")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        foreign = {**FOREIGN, "QueueArn": arn["Attributes"]["QueueArn"]}
        s3.put_bucket_notification_configuration(
            Bucket=self.bucket, NotificationConfiguration={"QueueConfigurations": [foreign]}
        )
        return foreign

    def notifications(self) -> dict[str, Any]:
        found = self.client("s3").get_bucket_notification_configuration(Bucket=self.bucket)
        return {key: value for key, value in found.items() if key != "ResponseMetadata"}


@pytest.fixture
def project(tmp_path: Path, aws_endpoint: str) -> Project:
    root = tmp_path / "aws"
    _copy_tree(EXAMPLES / "aws", root)
    return Project(root, aws_endpoint)


def test_the_aws_example_is_the_quickstart_with_the_aws_provider() -> None:
    aws, quickstart = EXAMPLES / "aws", EXAMPLES / "quickstart"
    for directory in ("functions", "schemas", "data"):
        compared = filecmp.dircmp(aws / directory, quickstart / directory, ignore=["__pycache__"])
        only_aws = {"functions": ["log_upload"]}.get(directory, [])
        assert _same_tree(compared, only_aws), f"examples/aws/{directory} differs"
    lines = difflib.ndiff(
        (quickstart / "main.hcl").read_text().splitlines(),
        (aws / "main.hcl").read_text().splitlines(),
    )
    removed = {line[2:] for line in lines if line.startswith("- ")}
    assert removed <= REPLACED_LINES, f"quickstart lines changed: {removed - REPLACED_LINES}"


def test_log_upload_reads_the_event_s3_sends(capsys: pytest.CaptureFixture[str]) -> None:
    """functions/log_upload handles S3's notification event (moto does not run functions)."""
    spec = importlib.util.spec_from_file_location(
        "log_upload", EXAMPLES / "aws" / "functions" / "log_upload" / "main.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    record = {
        "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": "b"}, "object": {"key": "uploads/a.png", "size": 7}},
    }
    upload = {"url": "s3://b/uploads/a.png", "bytes": 7, "event": "ObjectCreated:Put"}
    assert module.handler({"Records": [record]}, None) == {"uploads": [upload]}
    assert json.loads(capsys.readouterr().out) == {"message": "uploaded", **upload}


def test_apply_plan_code_change_drift_and_destroy(project: Project) -> None:
    foreign = project.create_uploads_bucket()
    project.fnplan("apply", "--auto-approve")
    outputs = project.outputs()
    _check_functions(project, outputs)
    _check_state_machines(project, outputs)
    _check_schedule(project, outputs)
    _check_event_rule(project, outputs)
    _check_upload_notification(project, outputs, foreign)
    project.fnplan("plan", "--detailed-exitcode")  # exit 0: nothing to change

    _check_code_change(project, outputs)

    name = project.outputs()["function.fetch"]["name"]
    project.client("lambda").update_function_configuration(FunctionName=name, MemorySize=1024)
    drift = project.fnplan("plan", "--detailed-exitcode", check=2).stdout
    assert "function.fetch" in drift and "memory" in drift and "1024" in drift, drift

    present = _fnplan_objects(project)
    assert all(present[s] for s in ("lambda", "iam", "states", "logs")), present
    assert present["rules"] and present["notifications"], present
    project.fnplan("destroy", "--auto-approve")
    assert _fnplan_objects(project) == {service: [] for service in present}
    assert project.notifications() == {"QueueConfigurations": [foreign]}  # the user's stays


def _check_functions(project: Project, outputs: dict[str, dict[str, Any]]) -> None:
    """Each function: its configuration, role, tags, one published version and its aliases."""
    lam, iam = project.client("lambda"), project.client("iam")
    deployed = project.mine([f["FunctionName"] for f in _functions(lam)])
    blocks = {outputs[a]["name"] for a in [*SHARED, UPLOADS, *MODULE, *COPIES]}
    assert blocks <= set(deployed)
    definitions = " ".join(
        _definition(project.client("stepfunctions"), outputs[a]) for a in WORKFLOWS
    )
    for generated in set(deployed) - blocks:  # shell steps, expressions: what a workflow calls
        assert f"function:{generated}" in definitions, generated
    for address in [*SHARED, UPLOADS, *MODULE, *COPIES]:
        recorded = outputs[address]
        found = lam.get_function(FunctionName=recorded["name"])
        config = found["Configuration"]
        assert config["Runtime"] == "python3.12" and config["Handler"] == "main.handler"
        assert config["TracingConfig"]["Mode"] == "Active"
        if address in [*SHARED, UPLOADS]:  # the project's runtimes (not the module's)
            assert config["Environment"]["Variables"]["APP_ENV"] == project.prefix
        assert found["Tags"]["fnplan:address"] == address
        role = iam.get_role(RoleName=recorded["role_arn"].rsplit("/", 1)[1])["Role"]
        assert config["Role"] == role["Arn"]
        trusted = role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"]
        assert trusted == "lambda.amazonaws.com"
        versions = _published(lam, recorded["name"])
        assert versions == {recorded["version_number"]: recorded["version"]}, address
        alias = lam.get_alias(FunctionName=recorded["name"], Name=alias_name(recorded["version"]))
        assert int(alias["FunctionVersion"]) == recorded["version_number"]
    resize = lam.get_function_configuration(FunctionName=outputs["function.resize"]["name"])
    assert resize["MemorySize"] == 512 and resize["Timeout"] == 60  # runtime.python-tools
    assert resize["Environment"]["Variables"]["TOOLS_MODE"] == "thumbnail"


def _check_state_machines(project: Project, outputs: dict[str, dict[str, Any]]) -> None:
    """Each workflow: a state machine with its role, a published version behind its alias,
    and Task states calling the version aliases of the functions it uses."""
    sfn = project.client("stepfunctions")
    listed = [m["name"] for m in sfn.list_state_machines()["stateMachines"]]
    assert project.mine(listed) == sorted(outputs[a]["name"] for a in WORKFLOWS)
    for address in WORKFLOWS:
        recorded = outputs[address]
        machine = sfn.describe_state_machine(stateMachineArn=recorded["arn"])
        assert machine["roleArn"] == recorded["role_arn"] and machine["type"] == "STANDARD"
        alias = sfn.describe_state_machine_alias(stateMachineAliasArn=recorded["version_arn"])
        (route,) = alias["routingConfiguration"]
        version = sfn.describe_state_machine(stateMachineArn=route["stateMachineVersionArn"])
        assert version["description"] == f"fnplan {recorded['version']}"
        assert version["definition"] == machine["definition"]
    thumbnail = _definition(sfn, outputs["workflow.thumbnail"])
    for address in SHARED:  # the shared workflow calls the shared functions' versions
        assert _alias_arn(outputs[address]) in thumbnail
    catalog = _definition(sfn, outputs["workflow.catalog"])
    for address in COPIES:  # the dedicated one its own copies
        assert _alias_arn(outputs[address]) in catalog
    assert _alias_arn(outputs["function.fetch"]) not in catalog


def _check_schedule(project: Project, outputs: dict[str, dict[str, Any]]) -> None:
    """trigger.nightly: a Scheduler schedule at the same UTC time, starting the thumbnail
    state machine with the trigger's input through a role allowed exactly that."""
    scheduler, iam = project.client("scheduler"), project.client("iam")
    (listed,) = [s for s in scheduler.list_schedules()["Schedules"] if project.mine([s["Name"]])]
    schedule = scheduler.get_schedule(Name=listed["Name"])
    assert schedule["Arn"] == outputs["trigger.nightly"]["arn"]
    assert schedule["ScheduleExpression"] == "cron(0 2 * * ? *)"
    target = schedule["Target"]
    assert target["Arn"] == outputs["workflow.thumbnail"]["arn"]
    assert json.loads(target["Input"]) == {"url": f"{project.root}/data/sample.txt"}
    role = target["RoleArn"].rsplit("/", 1)[1]
    (policy,) = iam.list_role_policies(RoleName=role)["PolicyNames"]
    document = iam.get_role_policy(RoleName=role, PolicyName=policy)["PolicyDocument"]
    (statement,) = document["Statement"]
    assert statement["Action"] == "states:StartExecution"
    assert statement["Resource"] == outputs["workflow.thumbnail"]["arn"]


def _check_event_rule(project: Project, outputs: dict[str, dict[str, Any]]) -> None:
    """trigger.prefetch: a rule on the default bus matching the event's CloudEvents type as
    detail-type, invoking fetch's alias `live` with the event's data, as the alias's policy
    allows events.amazonaws.com from that rule only."""
    events, lam = project.client("events"), project.client("lambda")
    objects = outputs["trigger.prefetch"]["objects"]
    rule = events.describe_rule(Name=objects["rule"])
    assert rule["EventBusName"] == "default" and rule["State"] == "ENABLED"
    pattern = json.loads(rule["EventPattern"])
    assert pattern == {"detail-type": ["com.example.quickstart.file.published"]}
    tags = events.list_tags_for_resource(ResourceARN=rule["Arn"])["Tags"]
    assert {"Key": "fnplan:address", "Value": "trigger.prefetch"} in tags
    fetch = outputs["function.fetch"]["name"]
    live = lam.get_alias(FunctionName=fetch, Name="live")
    assert int(live["FunctionVersion"]) == outputs["function.fetch"]["version_number"]
    (target,) = events.list_targets_by_rule(Rule=objects["rule"])["Targets"]
    assert target["Arn"] == live["AliasArn"] and target["InputPath"] == "$.detail"
    (statement,) = _statements(lam, fetch)
    assert statement["Sid"] == objects["permission"]["sid"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] == "lambda:InvokeFunction"
    assert statement["Resource"] == live["AliasArn"]
    assert statement["Condition"]["ArnLike"]["AWS:SourceArn"] == rule["Arn"]


def _check_upload_notification(
    project: Project, outputs: dict[str, dict[str, Any]], foreign: dict[str, Any]
) -> None:
    """trigger.on_upload: one entry of fnplan's beside the bucket's own, notifying
    log_upload's alias `live` of objects created under uploads/, which S3 may invoke."""
    lam = project.client("lambda")
    log_upload = outputs[UPLOADS]["name"]
    live = lam.get_alias(FunctionName=log_upload, Name="live")["AliasArn"]
    found = project.notifications()
    assert found["QueueConfigurations"] == [foreign]
    (entry,) = found["LambdaFunctionConfigurations"]
    assert entry["Id"] == outputs["trigger.on_upload"]["objects"]["id"]
    assert entry["Id"].startswith(f"fnplan-{project.prefix}-")
    assert entry["LambdaFunctionArn"] == live and entry["Events"] == ["s3:ObjectCreated:*"]
    assert entry["Filter"]["Key"]["FilterRules"] == [{"Name": "prefix", "Value": "uploads/"}]
    (statement,) = _statements(lam, log_upload)
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Resource"] == live
    condition = statement["Condition"]
    assert condition["ArnLike"]["AWS:SourceArn"] == f"arn:aws:s3:::{project.bucket}"
    assert condition["StringEquals"]["AWS:SourceAccount"] == outputs[UPLOADS]["arn"].split(":")[4]


def _statements(lam: Any, function: str) -> list[dict[str, Any]]:
    """The statements of the resource policy on a function's alias `live`."""
    policy = lam.get_policy(FunctionName=function, Qualifier="live")["Policy"]
    return list(json.loads(policy)["Statement"])


def _check_code_change(project: Project, before: dict[str, dict[str, Any]]) -> None:
    """One function's code changed: exactly one new Lambda version, and the shared workflow
    calls it; nothing else is published."""
    lam = project.client("lambda")
    addresses = [*SHARED, UPLOADS, *MODULE, *COPIES]
    published = {a: _published(lam, before[a]["name"]) for a in addresses}
    handler = project.root / "functions" / "resize" / "main.py"
    handler.write_text(handler.read_text() + "\n# resized differently\n")
    project.fnplan("apply", "--auto-approve")
    after = project.outputs()
    for address, versions in published.items():
        now = _published(lam, after[address]["name"])
        added = sorted(set(now) - set(versions))
        assert added == ([max(versions) + 1] if address == "function.resize" else []), address
    resize = after["function.resize"]
    assert resize["version"] != before["function.resize"]["version"]
    thumbnail = _definition(project.client("stepfunctions"), after["workflow.thumbnail"])
    assert _alias_arn(resize) in thumbnail
    assert _alias_arn(before["function.resize"]) not in thumbnail
    project.fnplan("plan", "--detailed-exitcode")


def _fnplan_objects(project: Project) -> dict[str, list[str]]:
    """Every object under the project's prefix, in each service fnplan deploys to."""
    lam, sfn = project.client("lambda"), project.client("stepfunctions")
    logs, events = project.client("logs"), project.client("events")
    mine = project.mine
    s3 = project.client("s3")
    notifications = [  # fnplan notifies functions only; the ids name the trigger
        entry["Id"]
        for bucket in s3.list_buckets().get("Buckets", [])
        for entry in s3.get_bucket_notification_configuration(Bucket=bucket["Name"]).get(
            "LambdaFunctionConfigurations", []
        )
    ]
    return {
        "lambda": mine([f["FunctionName"] for f in _functions(lam)]),
        "layers": mine([layer["LayerName"] for layer in lam.list_layers()["Layers"]]),
        "mappings": mine([m["FunctionArn"] for m in _paged(lam, "list_event_source_mappings")]),
        "iam": mine([r["RoleName"] for r in _paged(project.client("iam"), "list_roles")]),
        "states": mine([m["name"] for m in sfn.list_state_machines()["stateMachines"]]),
        "logs": mine([g["logGroupName"] for g in _paged(logs, "describe_log_groups")]),
        "rules": mine([r["Name"] for r in events.list_rules()["Rules"]]),
        "connections": mine([c["Name"] for c in events.list_connections()["Connections"]]),
        "schedules": mine(
            [s["Name"] for s in project.client("scheduler").list_schedules()["Schedules"]]
        ),
        "notifications": mine(notifications),
        "secrets": mine(
            [s["Name"] for s in project.client("secretsmanager").list_secrets()["SecretList"]]
        ),
    }


def _functions(lam: Any) -> list[dict[str, Any]]:
    return _paged(lam, "list_functions")


def _paged(client: Any, operation: str) -> list[dict[str, Any]]:
    """Every item a paginated list operation returns."""
    key: Callable[[dict[str, Any]], list[dict[str, Any]]] = lambda page: next(  # noqa: E731
        value for value in page.values() if isinstance(value, list)
    )
    return [item for page in client.get_paginator(operation).paginate() for item in key(page)]


def _published(lam: Any, name: str) -> dict[int, str]:
    """Lambda version number → the fnplan version it was published as."""
    versions = lam.list_versions_by_function(FunctionName=name)["Versions"]
    return {
        int(v["Version"]): v["Description"].removeprefix("fnplan ")
        for v in versions
        if v["Version"].isdigit()
    }


def _alias_arn(recorded: dict[str, Any]) -> str:
    return f"{recorded['arn']}:{alias_name(recorded['version'])}"


def _definition(sfn: Any, recorded: dict[str, Any]) -> str:
    return str(sfn.describe_state_machine(stateMachineArn=recorded["arn"])["definition"])


def _same_tree(compared: filecmp.dircmp[str], only_left: list[str] | None = None) -> bool:
    """Both trees hold the same files, but for `only_left` at the top of the left one."""
    if sorted(compared.left_only) != sorted(only_left or []):
        return False
    if compared.right_only or compared.diff_files:
        return False
    return all(_same_tree(sub) for sub in compared.subdirs.values())


def _copy_tree(source: Path, target: Path) -> None:
    import shutil

    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", ".fnplan"))
