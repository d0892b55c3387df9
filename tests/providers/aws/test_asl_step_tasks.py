"""The Task states of http, sql and shell steps, run with the tests' ASL interpreter: the
arguments each service receives, outputs in the local executor's shape, and an image step's
non-zero exit failing the step with ShellError as locally (Step Functions reports such an ECS
task as a success), caught by the step's catch."""

from __future__ import annotations

from typing import Any

from fnplan.providers.aws.asl import state_machine_definition

from fnplan.workflow.model import WorkflowDocument
from tests.providers.aws.asl_interpreter import execute
from tests.providers.aws.asl_lint import lint
from tests.providers.aws.asl_targets import FixedTargets


def _document(steps: list[dict[str, Any]], output: Any) -> WorkflowDocument:
    return WorkflowDocument.model_validate(
        {"name": "w", "address": "workflow.w", "steps": steps, "output": output}
    )


def _run(document: WorkflowDocument, answers: dict[str, Any]) -> tuple[Any, list[Any]]:
    """Run the definition; each Task answers by its Resource. The outcome and the calls."""
    definition = state_machine_definition(document, FixedTargets())
    assert lint(definition) == []
    calls: list[Any] = []

    def tasks(resource: str, arguments: Any) -> Any:
        calls.append((resource, arguments))
        return answers[resource]

    return execute(definition, {"id": 7, "name": "x"}, tasks), calls


def test_an_image_step_that_exits_non_zero_fails_with_shell_error_and_is_caught() -> None:
    document = _document(
        [
            {
                "name": "build",
                "type": "shell",
                "shell": {
                    "script": "make",
                    "image": "alpine:3",
                    "env": {"N": {"$expr": "input.name"}},
                },
                "catch": [{"errors": ["ShellError"], "next": "report"}],
            },
            {
                "name": "report",
                "type": "http",
                "http": {"url": "https://x.example/fail", "method": "POST"},
            },
        ],
        output={"code": {"$expr": "step.report.output.status"}},
    )
    answers = {
        "arn:aws:states:::ecs:runTask.sync": {"Containers": [{"ExitCode": 2}]},
        "arn:aws:states:::http:invoke": {"StatusCode": 202, "Headers": {}, "ResponseBody": "ok"},
    }
    outcome, calls = _run(document, answers)
    assert outcome.status == "succeeded", outcome
    assert outcome.output == {"code": 202}
    assert outcome.variables["status"] == {"build": "caught", "report": "succeeded"}
    overrides = calls[0][1]["Overrides"]["ContainerOverrides"][0]
    assert overrides["Environment"] == [{"Name": "N", "Value": "x"}]

    answers["arn:aws:states:::ecs:runTask.sync"] = {"Containers": [{"ExitCode": 0}]}
    outcome, _ = _run(document, answers)
    assert outcome.variables["status"] == {"build": "succeeded", "report": "skipped"}


def test_an_uncaught_non_zero_exit_fails_the_run_with_shell_error() -> None:
    document = _document(
        [{"name": "build", "type": "shell", "shell": {"script": "make", "image": "alpine:3"}}],
        output=None,
    )
    answers = {"arn:aws:states:::ecs:runTask.sync": {"Containers": [{"ExitCode": 1}]}}
    outcome, _ = _run(document, answers)
    assert (outcome.status, outcome.error) == ("failed", "ShellError")
    assert "script exited with code 1" in str(outcome.cause)


def test_sql_and_shell_function_steps_pass_their_values_and_read_results_as_locally() -> None:
    document = _document(
        [
            {
                "name": "clean",
                "type": "shell",
                "shell": {"script": "echo $N", "env": {"N": {"$expr": "input.name"}}},
            },
            {
                "name": "count",
                "type": "sql",
                "sql": {
                    "statement": "SELECT :id AS id",
                    "connection": "sqlite://",
                    "params": {"id": {"$expr": "input.id"}},
                },
                "depends_on": ["clean"],
            },
        ],
        output={
            "said": {"$expr": "step.clean.output.stdout"},
            "rows": {"$expr": "step.count.output.rows"},
        },
    )
    answers = {
        "arn:aws:states:::lambda:invoke": {"Payload": {"stdout": "x\n", "exit_code": 0}},
        "arn:aws:states:::aws-sdk:rdsdata:executeStatement": {
            "FormattedRecords": '[{"id": 7}]',
            "NumberOfRecordsUpdated": 0,
        },
    }
    outcome, calls = _run(document, answers)
    assert outcome.output == {"said": "x\n", "rows": [{"id": 7}]}
    shell, sql = (arguments for _, arguments in calls)
    assert shell["Payload"] == {"env": {"N": "x"}}  # the script is the function's code
    assert sql["Parameters"] == [{"Name": "id", "Value": {"StringValue": "7"}}]
