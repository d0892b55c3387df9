"""Sensitive values on AWS through the real `fnplan` command, against moto: an env entry
holding a sensitive variable goes to Secrets Manager, the Lambda configuration (every
version) and the state machine definitions read back with boto3 hold no sensitive value, the
state holds the secret's hash; the resolver layer's wrapper, run here against moto, hands the
handler its value; a secret changed outside fnplan is drift; destroy deletes the secrets."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

import boto3
import jsonata  # type: ignore[import-untyped]
import pytest

from fnplan.errors import ProviderError
from providers.aws.definition_secrets import hide_secrets
from providers.aws.secret_resolver import WRAPPER_PATH, layer_zip
from tests.aws_endpoint import CREDENTIALS, queue_lambda_results
from tests.cli.conftest import assert_clean_error
from tests.providers.aws.asl_lint import lint
from tests.providers.aws.test_aws_functions import deployed, fnplan, lam, write_project

SECRET = "s3cr3t-Value-4711"


def secret_project(root: Path, endpoint: str, prefix: str) -> Path:
    write_project(root, endpoint, prefix)
    main = root / "main.hcl"
    text = main.read_text().replace(
        '  env = { MODE = "fast" }\n',
        '  env = {\n    MODE = "fast"\n    API_KEY = var.api_key\n'
        '    DSN = "postgres://app:${var.api_key}@db/app"\n  }\n',
    )
    main.write_text(
        'variable "api_key" {\n  type = string\n  sensitive = true\n'
        f'  default = "{SECRET}"\n}}\n\n'
        + text
        + '\nworkflow "resize_all" {\n  step "resize" {\n    function = function.resize\n'
        + '    input = { token = var.api_key, auth = "Bearer ${var.api_key}" }\n  }\n}\n'
    )
    return root


def sm(endpoint: str) -> Any:
    return boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1")


def our_secrets(endpoint: str, name: str) -> list[dict[str, Any]]:
    listed = sm(endpoint).list_secrets()["SecretList"]
    return [s for s in listed if s["Name"].startswith(f"fnplan/{name}/")]


def machine(endpoint: str, prefix: str) -> dict[str, Any]:
    sfn = boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1")
    (found,) = [
        m for m in sfn.list_state_machines()["stateMachines"] if m["name"].startswith(prefix)
    ]
    return dict(sfn.describe_state_machine(stateMachineArn=found["stateMachineArn"]))


def ran_with(endpoint: str, root: Path, machine_arn: str) -> Any:
    """The payload the step's Lambda invocation got when `fnplan run` ran the workflow in
    moto's interpreter (the secrets are read at the execution's start)."""
    queue_lambda_results(endpoint, [{"ok": True}])
    done = fnplan(root, "run", "workflow.resize_all", "--input", "{}")
    assert SECRET not in done.stdout + done.stderr
    sfn = boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1")
    (execution,) = sfn.list_executions(stateMachineArn=machine_arn)["executions"]
    events = sfn.get_execution_history(executionArn=execution["executionArn"])["events"]
    tasks = [e["taskScheduledEventDetails"] for e in events if "taskScheduledEventDetails" in e]
    assert [t["resourceType"] for t in tasks] == ["aws-sdk:secretsmanager", "lambda"]
    scheduled = tasks[1]
    return json.loads(scheduled["parameters"])["Payload"]


def everything_deployed(endpoint: str, name: str) -> str:
    """Every Lambda configuration (each version) and state machine definition, as text."""
    client = lam(endpoint)
    texts = [json.dumps(client.get_function(FunctionName=name), default=str)]
    for version in client.list_versions_by_function(FunctionName=name)["Versions"]:
        texts.append(json.dumps(version, default=str))
    sfn = boto3.client("stepfunctions", endpoint_url=endpoint, region_name="us-east-1")
    for machine in sfn.list_state_machines()["stateMachines"]:
        texts.append(
            sfn.describe_state_machine(stateMachineArn=machine["stateMachineArn"])["definition"]
        )
    return "\n".join(texts)


def test_sensitive_env_values_live_only_in_secrets_manager(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"k{uuid.uuid4().hex[:8]}"
    root = secret_project(tmp_path / "p", aws_endpoint, prefix)
    plan = fnplan(root, "plan")
    assert SECRET not in plan.stdout + plan.stderr
    fnplan(root, "apply", "--auto-approve")
    (function,) = deployed(aws_endpoint, prefix)
    name = function["FunctionName"]

    text = everything_deployed(aws_endpoint, name)
    assert SECRET not in text and "resize_all" in text
    variables = function["Environment"]["Variables"]
    secrets = {s["Name"]: s for s in our_secrets(aws_endpoint, name)}
    assert set(secrets) == {f"fnplan/{name}/API_KEY", f"fnplan/{name}/DSN"}
    assert variables["MODE"] == "fast" and "API_KEY" not in variables
    assert variables["FNPLAN_SECRET_API_KEY"] == secrets[f"fnplan/{name}/API_KEY"]["ARN"]
    assert variables["AWS_LAMBDA_EXEC_WRAPPER"] == WRAPPER_PATH
    value = sm(aws_endpoint).get_secret_value(SecretId=variables["FNPLAN_SECRET_DSN"])
    assert value["SecretString"] == f"postgres://app:{SECRET}@db/app"
    tags = {t["Key"]: t["Value"] for t in secrets[f"fnplan/{name}/API_KEY"]["Tags"]}
    assert tags["fnplan:address"] == "function.resize" and tags["team"] == "imaging"
    assert any("-secrets:" in layer["Arn"] for layer in function["Layers"])

    described = machine(aws_endpoint, prefix)
    definition = json.loads(described["definition"])
    assert lint(definition) == [] and definition["StartAt"] == "Read secrets"
    read = definition["States"]["Read secrets"]["Arguments"]["SecretIdList"]
    values = {sm(aws_endpoint).get_secret_value(SecretId=n)["SecretString"] for n in read}
    assert values == {SECRET, f"Bearer {SECRET}"}  # each sensitive text the definition held
    assert sorted(read) == [f"fnplan/{described['name']}/{n}" for n in (1, 2)]
    rendered = fnplan(root, "render", "workflow.resize_all").stdout
    assert SECRET not in rendered and '"Read secrets"' in rendered  # as deployed
    assert ran_with(aws_endpoint, root, described["stateMachineArn"]) == {
        "token": SECRET,
        "auth": f"Bearer {SECRET}",
    }

    recorded = json.loads(fnplan(root, "state", "pull").stdout)["resources"]["function.resize"]
    assert SECRET not in json.dumps(recorded["outputs"])
    assert recorded["outputs"]["secrets"]["API_KEY"]["sha256"].startswith("sha256:")
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    sm(aws_endpoint).put_secret_value(
        SecretId=variables["FNPLAN_SECRET_API_KEY"], SecretString="tampered-value"
    )
    drift = fnplan(root, "plan", "--detailed-exitcode", check=None)
    assert drift.returncode == 2 and "secret changed outside fnplan" in drift.stdout, drift.stdout
    assert SECRET not in drift.stdout and "tampered-value" not in drift.stdout
    fnplan(root, "apply", "--auto-approve")
    restored = sm(aws_endpoint).get_secret_value(SecretId=variables["FNPLAN_SECRET_API_KEY"])
    assert restored["SecretString"] == SECRET
    sm(aws_endpoint).put_secret_value(SecretId=read[0], SecretString="tampered-value")
    drift = fnplan(root, "plan", "--detailed-exitcode", check=None)
    assert drift.returncode == 2 and "workflow.resize_all" in drift.stdout, drift.stdout
    fnplan(root, "apply", "--auto-approve")
    assert {sm(aws_endpoint).get_secret_value(SecretId=n)["SecretString"] for n in read} == values

    fnplan(root, "apply", "--auto-approve", "--var", "api_key=another-Value-0815")
    changed = sm(aws_endpoint).get_secret_value(SecretId=variables["FNPLAN_SECRET_API_KEY"])
    assert changed["SecretString"] == "another-Value-0815"
    assert "another-Value-0815" not in everything_deployed(aws_endpoint, name)

    fnplan(root, "destroy", "--auto-approve", "--var", "api_key=another-Value-0815")
    assert our_secrets(aws_endpoint, name) == []
    assert our_secrets(aws_endpoint, described["name"]) == []
    assert lam(aws_endpoint).list_layer_versions(LayerName=f"{name}-secrets")["LayerVersions"] == []


def test_an_own_exec_wrapper_beside_secrets_is_a_validate_error(
    tmp_path: Path, aws_endpoint: str
) -> None:
    root = secret_project(tmp_path / "p", aws_endpoint, "w")
    main = root / "main.hcl"
    main.write_text(main.read_text().replace('MODE = "fast"', 'AWS_LAMBDA_EXEC_WRAPPER = "/x"'))
    result = fnplan(root, "validate", check=None)
    assert_clean_error(result, "AWS_LAMBDA_EXEC_WRAPPER", "main.hcl:")


def test_secrets_on_a_runtime_without_python_are_a_validate_error(
    tmp_path: Path, aws_endpoint: str
) -> None:
    root = secret_project(tmp_path / "p", aws_endpoint, "w")
    main = root / "main.hcl"
    main.write_text(main.read_text().replace('language = "python3.12"', 'language = "nodejs20.x"'))
    assert_clean_error(fnplan(root, "validate", check=None), "Python wrapper", "main.hcl:")


def _unpacked_layer(target: Path) -> Path:
    """The layer as Lambda unpacks it under /opt (modes kept)."""
    archive = zipfile.ZipFile(io.BytesIO(layer_zip()))
    for info in archive.infolist():
        path = Path(archive.extract(info, target))
        path.chmod(info.external_attr >> 16)
    wrapper = target / WRAPPER_PATH.removeprefix("/opt/")
    assert wrapper.stat().st_mode & stat.S_IXUSR
    return wrapper


def _run_wrapped(wrapper: Path, endpoint: str, environment: dict[str, str]) -> Any:
    """The runtime's command line through the wrapper: a handler printing its environment."""
    names = "('API_KEY', 'MODE', 'FNPLAN_SECRET_API_KEY')"
    handler = f"import os, json; print(json.dumps({{k: os.environ.get(k) for k in {names}}}))"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("FNPLAN_SECRET_")},
        **CREDENTIALS,
        "AWS_ENDPOINT_URL": endpoint,
        # the wrapper's `python3` is the runtime's, which has boto3 (as Lambda's has): here,
        # the tests' own interpreter, whatever python3 comes first on the caller's PATH
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        **environment,
    }
    return subprocess.run(
        [str(wrapper), sys.executable, "-c", handler],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_wrapper_resolves_secrets_before_the_handler_runs(
    tmp_path: Path, aws_endpoint: str
) -> None:
    wrapper = _unpacked_layer(tmp_path / "opt")
    arn = sm(aws_endpoint).create_secret(Name=f"w{uuid.uuid4().hex[:8]}", SecretString=SECRET)[
        "ARN"
    ]
    done = _run_wrapped(wrapper, aws_endpoint, {"FNPLAN_SECRET_API_KEY": arn, "MODE": "fast"})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "API_KEY": SECRET,
        "MODE": "fast",
        "FNPLAN_SECRET_API_KEY": None,
    }

    missing = arn.rsplit(":", 1)[0] + ":gone-000000"
    failed = _run_wrapped(wrapper, aws_endpoint, {"FNPLAN_SECRET_API_KEY": missing})
    assert failed.returncode == 1 and "fnplan-secrets: cannot read a secret" in failed.stderr
    assert failed.stdout == ""


def _evaluated(value: Any, bindings: dict[str, str]) -> Any:
    """A definition field as Step Functions evaluates it (JSONata between {% and %})."""
    if isinstance(value, dict):
        return {k: _evaluated(v, bindings) for k, v in value.items()}
    if isinstance(value, str) and value.startswith("{%") and value.endswith("%}"):
        return jsonata.Jsonata(value[2:-2]).evaluate({"a": "A"}, bindings)
    return value


def test_a_definition_reads_its_sensitive_values_from_secrets() -> None:
    other = 'with "quotes" and \\ too'
    payload = {
        "key": SECRET,
        "hdr": f"Bearer {SECRET}",
        "other": other,
        "joined": f'{{% $.a & "-{SECRET}" & "{json.dumps(other)[1:-1]}" %}}',
        "plain": "nothing to hide",
    }
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Run a",
        "States": {"Run a": {"Type": "Pass", "Output": payload, "End": True}},
    }
    hidden, secrets = hide_secrets(definition, [SECRET, other, "unused"], "m", "workflow.w")
    assert secrets == {"fnplan/m/1": SECRET, "fnplan/m/2": other}  # in sorted order
    assert SECRET not in json.dumps(hidden) and json.dumps(other)[1:-1] not in json.dumps(hidden)
    assert lint(hidden) == []
    read = hidden["States"][hidden["StartAt"]]
    assert read["Arguments"] == {"SecretIdList": ["fnplan/m/1", "fnplan/m/2"]}
    assert read["Next"] == "Run a" and read["Output"] == "{% $states.input %}"
    bindings = {"fnplan_secret_1": SECRET, "fnplan_secret_2": other}
    output = _evaluated(hidden["States"]["Run a"]["Output"], bindings)
    assert output == {**payload, "joined": f"A-{SECRET}{other}"}
    assert hide_secrets(definition, ["absent"], "m", "workflow.w") == (definition, {})


def test_a_sensitive_value_where_no_expression_may_stand_is_refused() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": f"Run {SECRET}",
        "States": {f"Run {SECRET}": {"Type": "Pass", "End": True}},
    }
    with pytest.raises(ProviderError, match=r"workflow\.w: a sensitive value would be written"):
        hide_secrets(definition, [SECRET], "m", "workflow.w")
