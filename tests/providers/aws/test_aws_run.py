"""`fnplan invoke` on AWS through the real command, against moto in server mode: the
function version's alias is invoked through Lambda, the output printed, a handler's error
reported as a failed run, and the run logged for `fnplan runs` / `fnplan logs`."""

from __future__ import annotations

import io
import json
import uuid
from pathlib import Path
from typing import Any

from fnplan.providers.aws.runner import AwsRunner

from tests.aws_endpoint import CREDENTIALS, queue_lambda_results
from tests.cli.conftest import assert_clean_error, run_fnplan


def write_project(root: Path, endpoint: str, prefix: str, code: str) -> Path:
    source = root / "functions" / "greet"
    source.mkdir(parents=True, exist_ok=True)
    (source / "main.py").write_text(f"def handler(event, context):\n    {code}\n")
    (root / "main.hcl").write_text(
        f'provider "aws" {{\n  region = "us-east-1"\n  endpoint = "{endpoint}"\n'
        f'  name_prefix = "{prefix}"\n}}\n\n'
        'runtime "python" {\n  language = "python3.12"\n}\n\n'
        'function "greet" {\n  runtime = runtime.python\n  source = "./functions/greet"\n}\n'
    )
    return root


def fnplan(root: Path, *args: str, check: int | None = 0) -> Any:
    return run_fnplan(*args, cwd=root, check=check, env=dict(CREDENTIALS))


def test_invoke_calls_the_version_alias_and_logs_the_run(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"r{uuid.uuid4().hex[:8]}"
    root = write_project(tmp_path / "p", aws_endpoint, prefix, "return event")
    fnplan(root, "apply", "--auto-approve")
    queue_lambda_results(aws_endpoint, [{"hello": "world"}])
    done = fnplan(root, "invoke", "function.greet", "--input", '{"name": "x"}', "--json")
    result = json.loads(done.stdout)
    assert result["status"] == "succeeded"
    assert result["output"] == {"hello": "world"}
    records = [json.loads(line) for line in Path(result["log_path"]).read_text().splitlines()]
    assert [r["event"] for r in records] == ["run_started", "started", "succeeded", "run_succeeded"]
    assert records[0]["input"] == {"name": "x"}
    assert records[2]["step"] == "greet" and records[2]["output"] == {"hello": "world"}
    runs = fnplan(root, "runs", "function.greet")
    assert result["execution_id"] in runs.stdout and "succeeded" in runs.stdout

    logs = fnplan(root, "logs", "function.greet", "--json")
    assert [json.loads(line)["event"] for line in logs.stdout.splitlines()][-1] == "run_succeeded"


def test_invoke_of_an_unknown_version_is_a_clean_error(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"r{uuid.uuid4().hex[:8]}"
    root = write_project(tmp_path / "p", aws_endpoint, prefix, "return event")
    fnplan(root, "apply", "--auto-approve")
    done = fnplan(root, "invoke", "function.greet", "--version", "0123456789abcdef", check=1)
    assert_clean_error(done, "has no deployed version '0123456789abcdef' on aws")


class _FailingLambda:
    """A Lambda client whose handler raised (moto cannot answer with a FunctionError)."""

    def invoke(self, **_: Any) -> dict[str, Any]:
        body = {"errorType": "ValueError", "errorMessage": "bad name", "stackTrace": ["at x\n"]}
        payload = io.BytesIO(json.dumps(body).encode())
        return {"FunctionError": "Unhandled", "Payload": payload}


def test_a_handler_error_is_the_runs_error() -> None:
    runner = AwsRunner()
    runner.clients = {"lambda": _FailingLambda()}  # type: ignore[assignment]
    output, error = runner._invoke("function.greet", "greet", "v-0", {})
    assert output is None and error is not None
    assert (error.type, error.message, error.traceback) == ("ValueError", "bad name", "at x\n")
