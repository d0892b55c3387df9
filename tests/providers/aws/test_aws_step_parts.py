"""The parts of http, sql and shell steps on AWS that run or decide without AWS: the shell
step's generated function (its zip, run here as Lambda would run it), the sql step's
cluster from its connection, the http step's connection settings, and what the state
machine's role is granted for them."""

from __future__ import annotations

import importlib.util
import io
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fnplan.providers.aws.asl import state_machine_definition
from fnplan.providers.aws.config import AwsConfig, DataApiConfig
from fnplan.providers.aws.connections import STEP_HEADER, connection_auth
from fnplan.providers.aws.shell_function import shell_package
from fnplan.providers.aws.sql_target import SqlTargetError, sql_target
from fnplan.providers.aws.targets import AwsTargets

from fnplan.workflow.model import Step, WorkflowDocument

CLUSTER = "arn:aws:rds:us-east-1:123456789012:cluster:db"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db/main-AbCdEf"


class _Context:
    """What the handler reads of Lambda's context object."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def get_remaining_time_in_millis(self) -> int:
        return int(self.seconds * 1000)


def _deployed(tmp_path: Path, script: str) -> ModuleType:
    """The handler module as Lambda loads it: unpacked from the function's zip."""
    with zipfile.ZipFile(io.BytesIO(shell_package(script))) as archive:
        assert sorted(archive.namelist()) == ["fnplan_shell.py", "script.sh"]
        archive.extractall(tmp_path)
    spec = importlib.util.spec_from_file_location("fnplan_shell", tmp_path / "fnplan_shell.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_shell_function_runs_its_script_with_the_step_environment(tmp_path: Path) -> None:
    module = _deployed(tmp_path, 'echo "$GREETING $COUNT"; pwd; test -z "$AWS_REGION"')
    result = module.handler({"env": {"GREETING": "hi", "COUNT": 3}}, _Context(10))
    greeting, scratch = result["stdout"].splitlines()
    assert greeting == "hi 3"  # non-string values as JSON, as locally
    assert scratch.startswith("/") and not Path(scratch).exists()  # a scratch dir, removed
    assert result["exit_code"] == 0


def test_a_failing_script_is_a_shell_error_with_its_last_lines(tmp_path: Path) -> None:
    module = _deployed(tmp_path, "echo oops >&2; exit 3")
    with pytest.raises(module.ShellError, match="exited with code 3\noops"):
        module.handler({"env": {}}, _Context(10))


def test_a_script_past_the_deadline_is_a_timeout(tmp_path: Path) -> None:
    module = _deployed(tmp_path, "sleep 5")
    with pytest.raises(module.Timeout):
        module.handler({}, _Context(1.2))


def test_sql_steps_name_a_cluster_by_url_or_take_the_providers() -> None:
    url = f"rds-data://app?resource_arn={CLUSTER}&secret_arn={SECRET}"
    assert sql_target(url, None) == {"ResourceArn": CLUSTER, "SecretArn": SECRET, "Database": "app"}
    default = DataApiConfig(resource_arn=CLUSTER, secret_arn=SECRET)
    assert sql_target("sqlite:///local.db", default) == {
        "ResourceArn": CLUSTER,
        "SecretArn": SECRET,
    }
    assert sql_target({"$expr": "input.db"}, default)["ResourceArn"] == CLUSTER


@pytest.mark.parametrize(
    "connection",
    [
        "postgresql://user:pw@host/db",  # no provider default
        f"rds-data://app?resource_arn={CLUSTER}",  # no secret
        f"rds-data://app?resource_arn=nope&secret_arn={SECRET}",
        f"rds-data://app?resource_arn={CLUSTER}&secret_arn={SECRET}&extra=1",
    ],
)
def test_a_connection_naming_no_cluster_is_refused_without_echoing_it(connection: str) -> None:
    with pytest.raises(SqlTargetError) as caught:
        sql_target(connection, None)
    assert "pw@" not in str(caught.value) and "rds-data://DATABASE" in str(caught.value)


def _http(headers: dict[str, Any]) -> Step:
    return Step.model_validate(
        {"name": "ping", "type": "http", "http": {"url": "https://x.example", "headers": headers}}
    )


def test_the_connection_takes_the_static_headers_secret_ones_as_secrets() -> None:
    step = _http(
        {
            "authorization": "Bearer tok",
            "X-Tenant": "t-secret-1",
            "X-Plain": "1",
            "X-Run": {"$expr": "input.id"},
        }
    )
    auth = connection_auth("workflow.w", step, ["t-secret-1"])
    assert auth["ApiKeyAuthParameters"] == {
        "ApiKeyName": "authorization",
        "ApiKeyValue": "Bearer tok",
    }
    assert auth["InvocationHttpParameters"]["HeaderParameters"] == [
        {"Key": "X-Plain", "Value": "1", "IsValueSecret": False},
        {"Key": "X-Tenant", "Value": "t-secret-1", "IsValueSecret": True},
    ]


def test_a_step_without_credentials_authorizes_with_its_own_name() -> None:
    auth = connection_auth("workflow.w", _http({}), [])
    assert auth == {
        "ApiKeyAuthParameters": {"ApiKeyName": STEP_HEADER, "ApiKeyValue": "workflow.w/ping"}
    }


def _targets_of(steps: list[dict[str, Any]], **config: Any) -> AwsTargets:
    """The targets a definition of these steps handed out."""
    document = WorkflowDocument.model_validate(
        {"name": "w", "address": "workflow.w", "steps": steps}
    )
    targets = AwsTargets(
        "workflow.w", "", "us-east-1", "123456789012", AwsConfig(**config), document
    )
    state_machine_definition(document, targets)
    return targets


def test_a_workflow_without_such_steps_grants_nothing_for_them() -> None:
    function = {"address": "function.f", "version": "ab" * 32}
    targets = _targets_of([{"name": "f", "type": "function", "function": function}])
    assert targets.step_statements() == []


def test_an_image_step_grants_running_its_own_task_family_only() -> None:
    shell = {"script": "true", "image": "alpine:3"}
    ecs = {"cluster": "jobs", "subnets": ["subnet-1"]}
    targets = _targets_of([{"name": "s", "type": "shell", "shell": shell}], ecs=ecs)
    [run] = [s for s in targets.step_statements() if s["Action"] == "ecs:RunTask"]
    assert run["Resource"] == [
        f"arn:aws:ecs:us-east-1:123456789012:task-definition/{targets.task_families['s']}:*"
    ]
    assert not any("iam:PassRole" in str(s["Action"]) for s in targets.step_statements())
