"""The Task state that runs one step, per node type (DESIGN.md "Provider mappings").

Each returns the state's Resource and Arguments, and the JSONata of the step's output in
the shape the local executor gives it, so that later steps read the same fields everywhere.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from fnplan.workflow.model import Step

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
START_EXECUTION_SYNC = "arn:aws:states:::states:startExecution.sync:2"
HTTP_INVOKE = "arn:aws:states:::http:invoke"
ECS_RUN_TASK_SYNC = "arn:aws:states:::ecs:runTask.sync"
RDS_DATA_EXECUTE = "arn:aws:states:::aws-sdk:rdsdata:executeStatement"


class Targets(Protocol):
    """What the tasks call: the ARNs and settings the AWS provider knows from its state."""

    def function_arn(self, address: str, version: str) -> str:
        """The qualified ARN of a function version (its alias or version number)."""
        ...

    def workflow_arn(self, address: str, version: str) -> str:
        """The ARN of a child workflow's state machine version (nesting = "call")."""
        ...

    def expression_function_arn(self) -> str:
        """The expression function (fnplan's evaluator as a Lambda function)."""
        ...

    def shell_function_arn(self, step: str) -> str:
        """The generated function that runs a shell step's script."""
        ...

    def http_connection_arn(self, step: str) -> str:
        """The EventBridge connection an http step's requests go through."""
        ...

    def ecs_task(self, step: str, image: str) -> Mapping[str, Any]:
        """The RunTask arguments (Cluster, TaskDefinition, ...) of a shell step in an image."""
        ...

    def sql_target(self, step: str, connection: Any) -> Mapping[str, str]:
        """ResourceArn, SecretArn and Database of the Aurora cluster an sql step's
        connection names (or the provider's default one)."""
        ...


@dataclass(frozen=True, slots=True)
class Task:
    """A step's Task state: Resource, Arguments (JSONata templates allowed), the JSONata of
    its output, and a timeout in seconds when the step sets one."""

    resource: str
    arguments: dict[str, Any]
    output: str
    timeout: int | None = None
    #: a result the service reports as success that fails the step as it would locally:
    #: (JSONata condition on the step's output, error type, JSONata of the message)
    failure: tuple[str, str, str] | None = None


#: the step's run-time values as the Task reads them: {"input": ..., "task": {...}}
Values = Mapping[str, Any]


def task_for(step: Step, values: Values, targets: Targets) -> Task:
    """The Task state of `step`, reading its run-time values from `values`."""
    return _BUILDERS[step.type](step, values, targets)


def task_values(step: Step) -> dict[str, Any]:
    """The values of `step` that may hold run-time expressions, by the names task_for reads."""
    if step.type == "http" and step.http is not None:
        headers = {k: v for k, v in step.http.headers.items() if k not in static_headers(step)}
        task: Any = {"url": step.http.url, "headers": headers, "body": step.http.body}
    elif step.type == "sql" and step.sql is not None:
        task = {"params": step.sql.params}
    elif step.type == "shell" and step.shell is not None:
        task = {"env": step.shell.env}
    else:
        task = {}
    return {"input": step.input, "task": task}


def static_headers(step: Step) -> dict[str, str]:
    """An http step's headers known before the run: its connection sends them (Secrets
    Manager keeps their values), so no credential is written into the definition."""
    assert step.http is not None
    return {name: value for name, value in step.http.headers.items() if isinstance(value, str)}


def _function(step: Step, values: Values, targets: Targets) -> Task:
    assert step.function is not None
    arn = targets.function_arn(step.function.address, step.function.version)
    return Task(
        LAMBDA_INVOKE,
        {"FunctionName": arn, "Payload": values["input"]},
        "$states.result.Payload",
        _timeout(step),
    )


def _workflow(step: Step, values: Values, targets: Targets) -> Task:
    assert step.workflow is not None
    arn = targets.workflow_arn(step.workflow.address, step.workflow.version)
    return Task(
        START_EXECUTION_SYNC,
        {"StateMachineArn": arn, "Input": values["input"]},
        "$states.result.Output",
        _timeout(step),
    )


def _http(step: Step, values: Values, targets: Targets) -> Task:
    assert step.http is not None
    task = values["task"]
    arguments = {
        "ApiEndpoint": task["url"],
        "Method": step.http.method.upper(),
        "Headers": task["headers"],
        "Authentication": {"ConnectionArn": targets.http_connection_arn(step.name)},
    }
    if step.http.body is not None:
        arguments["RequestBody"] = task["body"]
    output = (
        '{"status": $states.result.StatusCode, "headers": $states.result.Headers, '
        '"body": $states.result.ResponseBody}'
    )
    return Task(HTTP_INVOKE, arguments, output, math.ceil(step.http.timeout))


def _shell(step: Step, values: Values, targets: Targets) -> Task:
    assert step.shell is not None
    env = values["task"]["env"]
    if step.shell.image:
        overrides = {
            "ContainerOverrides": [
                {
                    "Name": "step",
                    "Command": ["/bin/sh", "-c", step.shell.script],
                    "Environment": [{"Name": name, "Value": value} for name, value in env.items()],
                }
            ]
        }
        arguments = {**targets.ecs_task(step.name, step.shell.image), "Overrides": overrides}
        output = '{"stdout": null, "exit_code": $states.result.Containers[0].ExitCode}'
        # a task whose container exits non-zero still "succeeds" in Step Functions
        code = "$states.input.output.exit_code"
        failure = (f"{code} != 0", "ShellError", f'"script exited with code " & $string({code})')
        return Task(ECS_RUN_TASK_SYNC, arguments, output, _timeout(step), failure)
    # the script is part of the generated function's code: its payload is the environment
    arguments = {"FunctionName": targets.shell_function_arn(step.name), "Payload": {"env": env}}
    return Task(LAMBDA_INVOKE, arguments, "$states.result.Payload", _timeout(step))


def _sql(step: Step, values: Values, targets: Targets) -> Task:
    assert step.sql is not None
    params = values["task"]["params"]
    arguments = {
        **targets.sql_target(step.name, step.sql.connection),
        "Sql": step.sql.statement,
        "FormatRecordsAs": "JSON",
        "Parameters": [
            {"Name": name, "Value": {"StringValue": _as_text(value)}}
            for name, value in params.items()
        ],
    }
    output = (
        '{"rows": $states.result.FormattedRecords ? $parse($states.result.FormattedRecords)'
        ' : [], "rowcount": $states.result.NumberOfRecordsUpdated}'
    )
    return Task(RDS_DATA_EXECUTE, arguments, output, _timeout(step))


def _as_text(value: Any) -> Any:
    """A parameter value as the Data API's string value (a JSONata leaf is converted there)."""
    if isinstance(value, str) and value.startswith("{%") and value.endswith("%}"):
        return "{% $string(" + value[2:-2].strip() + ") %}"
    return value if isinstance(value, str) else json.dumps(value)


def _timeout(step: Step) -> int | None:
    if step.resources is not None and step.resources.timeout:
        return math.ceil(step.resources.timeout)
    return None


_BUILDERS: dict[str, Callable[[Step, Values, Targets], Task]] = {
    "function": _function,
    "workflow": _workflow,
    "http": _http,
    "shell": _shell,
    "sql": _sql,
}
