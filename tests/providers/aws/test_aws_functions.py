"""Functions on AWS through the real `fnplan` command, against moto in server mode: Lambda
functions with their roles, a published version per fnplan version under an alias, drift
read back, foreign objects refused, destroy removing everything."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import boto3

from tests.aws_endpoint import CREDENTIALS
from tests.cli.conftest import assert_clean_error, run_fnplan


def write_project(root: Path, endpoint: str, prefix: str, code: str = "return event") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    source = root / "functions" / "resize"
    source.mkdir(parents=True, exist_ok=True)
    (source / "main.py").write_text(f"def handler(event, context):\n    {code}\n")
    (root / "main.hcl").write_text(
        f'provider "aws" {{\n  region = "us-east-1"\n  endpoint = "{endpoint}"\n'
        f'  name_prefix = "{prefix}"\n  tags = {{ team = "imaging" }}\n}}\n\n'
        'runtime "python" {\n  language = "python3.12"\n  memory = 256\n  timeout = 10\n}\n\n'
        'function "resize" {\n  runtime = runtime.python\n  source = "./functions/resize"\n'
        '  env = { MODE = "fast" }\n  keep_versions = 2\n}\n\n'
        'output "arn" {\n  value = function.resize.version_arn\n}\n'
    )
    return root


def fnplan(root: Path, *args: str, check: int | None = 0) -> Any:
    return run_fnplan(*args, cwd=root, check=check, env=dict(CREDENTIALS))


def lam(endpoint: str) -> Any:
    return boto3.client("lambda", endpoint_url=endpoint, region_name="us-east-1")


def deployed(endpoint: str, prefix: str) -> list[dict[str, Any]]:
    functions = lam(endpoint).list_functions()["Functions"]
    return [f for f in functions if f["FunctionName"].startswith(prefix)]


def test_apply_publishes_versions_reads_drift_and_destroys(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    root = write_project(tmp_path / "p", aws_endpoint, prefix)
    fnplan(root, "apply", "--auto-approve")
    (function,) = deployed(aws_endpoint, prefix)
    name = function["FunctionName"]
    assert function["Runtime"] == "python3.12" and function["MemorySize"] == 256
    assert function["Environment"]["Variables"] == {"MODE": "fast"}
    tags = lam(aws_endpoint).list_tags(Resource=function["FunctionArn"])["Tags"]
    assert tags["fnplan:address"] == "function.resize" and tags["team"] == "imaging"
    state = json.loads(fnplan(root, "state", "pull").stdout)
    outputs = state["resources"]["function.resize"]["outputs"]
    assert outputs["version_number"] == 1
    assert outputs["version_arn"].endswith(f":{name}:v-{outputs['version'][:16]}")
    assert fnplan(root, "output", "arn").stdout.strip() == outputs["version_arn"]
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    write_project(root, aws_endpoint, prefix, code="return {'v': 2}")
    fnplan(root, "apply", "--auto-approve")
    write_project(root, aws_endpoint, prefix, code="return {'v': 3}")
    fnplan(root, "apply", "--auto-approve")
    versions = lam(aws_endpoint).list_versions_by_function(FunctionName=name)["Versions"]
    assert sorted(v["Version"] for v in versions) == ["$LATEST", "2", "3"]  # keep_versions = 2

    lam(aws_endpoint).update_function_configuration(FunctionName=name, MemorySize=1024)
    drift = fnplan(root, "plan", "--detailed-exitcode", check=None)
    assert drift.returncode == 2 and "memory" in drift.stdout, drift.stdout
    fnplan(root, "apply", "--auto-approve")
    assert lam(aws_endpoint).get_function(FunctionName=name)["Configuration"]["MemorySize"] == 256
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0

    fnplan(root, "destroy", "--auto-approve")
    assert deployed(aws_endpoint, prefix) == []
    iam = boto3.client("iam", endpoint_url=aws_endpoint, region_name="us-east-1")
    assert not [r for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(prefix)]


def test_an_existing_foreign_function_is_refused(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    first = write_project(tmp_path / "first", aws_endpoint, prefix)
    fnplan(first, "apply", "--auto-approve")
    second = write_project(tmp_path / "second", aws_endpoint, prefix)
    refused = fnplan(second, "apply", "--auto-approve", check=None)
    assert_clean_error(refused, "already exists and was not created by this configuration")
    assert "fnplan import function.resize" in refused.stdout + refused.stderr


def test_lambda_limits_are_validate_errors(tmp_path: Path, aws_endpoint: str) -> None:
    root = write_project(tmp_path / "p", aws_endpoint, "x")
    text = root.joinpath("main.hcl").read_text().replace("memory = 256", "memory = 64")
    root.joinpath("main.hcl").write_text(text)
    result = fnplan(root, "validate", check=None)
    assert_clean_error(result, "Lambda functions take 128 to 10240 MB, not 64")


def test_runtime_packages_become_a_layer_the_function_uses(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"t{uuid.uuid4().hex[:8]}"
    root = write_project(tmp_path / "p", aws_endpoint, prefix)
    text = root.joinpath("main.hcl").read_text()
    text = text.replace("timeout = 10\n", 'timeout = 10\n  packages = ["six==1.16.0"]\n')
    root.joinpath("main.hcl").write_text(text)
    fnplan(root, "apply", "--auto-approve")
    (function,) = deployed(aws_endpoint, prefix)
    (layer,) = function["Layers"]
    versions = lam(aws_endpoint).list_layer_versions(LayerName=layer["Arn"].split(":")[6])
    (version,) = versions["LayerVersions"]
    assert (
        version["Description"].startswith("fnplan ") and version["LayerVersionArn"] == layer["Arn"]
    )
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0
    fnplan(root, "destroy", "--auto-approve")
    gone = lam(aws_endpoint).list_layer_versions(LayerName=layer["Arn"].split(":")[6])
    assert gone["LayerVersions"] == []


def test_a_package_spec_that_is_not_a_requirement_is_refused(
    tmp_path: Path, aws_endpoint: str
) -> None:
    root = write_project(tmp_path / "p", aws_endpoint, "x")
    text = root.joinpath("main.hcl").read_text()
    hostile = '"--index-url=http://evil.example/simple", "pkg @ https://evil.example/p.whl"'
    text = text.replace("timeout = 10\n", f"timeout = 10\n  packages = [{hostile}]\n")
    root.joinpath("main.hcl").write_text(text)
    result = fnplan(root, "validate", check=None)
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "Traceback" not in output, output
    assert "is not a requirement" in output and "names a URL" in output, output
