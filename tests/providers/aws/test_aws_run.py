"""`fnplan invoke` on AWS through the real command, against moto in server mode: the
function version's alias is invoked through Lambda, the output printed, a handler's error
reported as a failed run, and the run logged for `fnplan runs` / `fnplan logs`."""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from fnplan.providers.aws.execution_events import EventRecorder
from fnplan.providers.aws.runlog import RunLog
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


WORKFLOW = """
workflow "pipeline" {
  step "fetch" {
    function = function.greet
    input = { name = input.name }
  }
  step "skipped" {
    function = function.greet
    input = { name = "never" }
    when = false
  }
  output = { said = step.fetch.output.said }
}
"""


def test_run_starts_the_alias_and_follows_the_execution(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"r{uuid.uuid4().hex[:8]}"
    root = write_project(tmp_path / "p", aws_endpoint, prefix, "return event")
    with (root / "main.hcl").open("a") as file:
        file.write(WORKFLOW)
    fnplan(root, "apply", "--auto-approve")
    queue_lambda_results(aws_endpoint, [{"said": "hi x"}])
    done = fnplan(root, "run", "workflow.pipeline", "--input", '{"name": "x"}', "--json")
    result = json.loads(done.stdout)
    assert result["status"] == "succeeded", result
    assert result["output"] == {"said": "hi x"}
    records = [json.loads(line) for line in Path(result["log_path"]).read_text().splitlines()]
    steps = [(r["event"], r["step"]) for r in records]
    assert steps[0] == ("run_started", None) and steps[-1] == ("run_succeeded", None)
    assert ("started", "fetch") in steps and ("skipped", "skipped") in steps
    succeeded = next(r for r in records if r["event"] == "succeeded")
    assert succeeded["output"] == {"said": "hi x"} and records[0]["input"] == {"name": "x"}
    sfn = boto3.client("stepfunctions", endpoint_url=aws_endpoint, region_name="us-east-1")
    machine = next(
        m["stateMachineArn"]
        for m in sfn.list_state_machines()["stateMachines"]
        if m["name"].startswith(prefix)
    )
    names = [e["name"] for e in sfn.list_executions(stateMachineArn=machine)["executions"]]
    assert names == [result["execution_id"]]

    logs = fnplan(root, "logs", "workflow.pipeline", "--execution", result["execution_id"])
    assert "fetch" in logs.stdout + logs.stderr

    queue_lambda_results(aws_endpoint, [{"said": "hi z"}])
    shown = fnplan(root, "run", "workflow.pipeline", "--input", '{"name": "z"}')
    assert json.loads(shown.stdout) == {"said": "hi z"}
    assert "fetch: started" in shown.stderr and "skipped" in shown.stderr


def _event(kind: str, **details: Any) -> dict[str, Any]:
    return {"type": kind, "timestamp": datetime.now(UTC), **details}


def test_a_failed_step_fails_the_run_with_its_error(tmp_path: Path) -> None:
    log = RunLog(tmp_path, "workflow.pipeline", "0123456789abcdef", "e1", None)
    recorder = EventRecorder(log)
    cause = json.dumps({"errorType": "KeyError", "errorMessage": "'said'"})
    failure = json.dumps({"Error": "KeyError", "Cause": cause})
    for event in [
        _event("ExecutionStarted", executionStartedEventDetails={"input": '{"name": "y"}'}),
        _event("TaskStateEntered", stateEnteredEventDetails={"name": "Run fetch", "input": "{}"}),
        _event("TaskStateExited", stateExitedEventDetails={"name": "Run fetch", "output": failure}),
        _event(
            "PassStateEntered", stateEnteredEventDetails={"name": "Failed fetch", "input": failure}
        ),
        _event("ExecutionFailed", executionFailedEventDetails={"error": "KeyError", "cause": "x"}),
    ]:
        recorder.record(event)
    records = [json.loads(line) for line in log.path.read_text().splitlines()]
    assert [(r["event"], r["step"]) for r in records] == [
        ("run_started", None),
        ("started", "fetch"),
        ("failed", "fetch"),
        ("run_failed", None),
    ]
    assert records[2]["error"]["type"] == "KeyError" and records[2]["error"]["message"] == "'said'"
    assert recorder.ended and recorder.failed_step == "fetch"
    assert recorder.error is not None and recorder.error.type == "KeyError"


def test_run_of_a_state_machine_deleted_behind_fnplans_back_is_a_clean_error(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"r{uuid.uuid4().hex[:8]}"
    root = write_project(tmp_path / "p", aws_endpoint, prefix, "return event")
    with (root / "main.hcl").open("a") as file:
        file.write(WORKFLOW)
    fnplan(root, "apply", "--auto-approve")
    sfn = boto3.client("stepfunctions", endpoint_url=aws_endpoint, region_name="us-east-1")
    for machine in sfn.list_state_machines()["stateMachines"]:
        if machine["name"].startswith(prefix):
            sfn.delete_state_machine(stateMachineArn=machine["stateMachineArn"])
    done = fnplan(root, "run", "workflow.pipeline", "--input", "{}", check=1)
    assert_clean_error(done, "workflow.pipeline is not deployed on aws", "fnplan apply")
