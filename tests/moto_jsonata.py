"""Runs moto's server (`python tests/moto_jsonata.py -H 127.0.0.1 -p PORT`) with a JSONata
engine for its Step Functions interpreter.

moto's ASL interpreter (LocalStack's) evaluates JSONata through one function, which LocalStack
backs with the reference implementation in a JVM and moto leaves unset; here it is backed by
jsonata-python, so that state machines in the JSONata query language (what the aws provider
generates) really run in moto. moto starts executions only of unqualified state machine
ARNs; here an alias ARN (what fnplan starts, and what call steps start) runs the machine
when the alias routes wholly to its newest version, whose definition the unqualified
machine holds (anything else is refused, not emulated). moto's parser predates Step Functions'
HTTP Task (`arn:aws:states:::http:invoke`): here it accepts one as a service it does not run,
as it does Athena or SageMaker, so such state machines deploy; and it takes the SDK
integration name `rdsdata` (the RDS Data API, as Step Functions spells it) for boto3's
`rds-data`, converting an SDK task's parameters and results between Step Functions'
PascalCase and the service's own member names through botocore's shapes, as Step Functions
does. Lambda's provisioned concurrency, which moto lacks, is added by tests/moto_provisioned.py.
Nothing else is changed.
"""

from __future__ import annotations

import sys
from typing import Any

import botocore.session
import jsonata  # type: ignore[import-untyped]
from botocore.model import Shape
from moto.server import main
from moto.stepfunctions.exceptions import StateMachineDoesNotExist
from moto.stepfunctions.models import StepFunctionBackend
from moto.stepfunctions.parser.asl.component.state.exec.state_task import state_task_factory
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service as service,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_aws_sdk as aws_sdk,
)
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_unsupported as unsupported,
)
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata

_describe_state_machine = StepFunctionBackend.describe_state_machine


def _evaluate(expression: str) -> Any:
    """moto composes each evaluation (variables bound, then the expression) into one text."""
    return jsonata.Jsonata(expression).evaluate(None)


_service_for = state_task_factory.state_task_service_for


def _service_with_http(service_name: str) -> Any:
    """moto's Task service of `service_name`; the HTTP Task parses, but is not run."""
    if service_name == "http":
        return unsupported.StateTaskServiceUnsupported()
    return _service_for(service_name)


_SESSION = botocore.session.get_session()


def to_service(shape: Shape | None, value: Any) -> Any:
    """An SDK task's PascalCase value in the service's own member names."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        members = {name.lower(): (name, member) for name, member in shape.members.items()}  # type: ignore[attr-defined]
        converted = {}
        for key, item in value.items():
            name, member = members.get(key.lower(), (key, None))
            converted[name] = to_service(member, item)
        return converted
    if shape.type_name == "list" and isinstance(value, list):
        return [to_service(shape.member, item) for item in value]  # type: ignore[attr-defined]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: to_service(shape.value, item) for key, item in value.items()}  # type: ignore[attr-defined]
    return value


def to_pascal(shape: Shape | None, value: Any) -> Any:
    """A service's result with its members' names in PascalCase."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        members = shape.members  # type: ignore[attr-defined]
        return {
            key[:1].upper() + key[1:]: to_pascal(members.get(key), item)
            for key, item in value.items()
        }
    if shape.type_name == "list" and isinstance(value, list):
        return [to_pascal(shape.member, item) for item in value]  # type: ignore[attr-defined]
    if shape.type_name == "map" and isinstance(value, dict):
        return {key: to_pascal(shape.value, item) for key, item in value.items()}  # type: ignore[attr-defined]
    return value


def _operation(task: Any) -> Any:
    service = _SESSION.get_service_model(task._get_boto_service_name())
    action = task.resource.api_action
    return service.operation_model(action[:1].upper() + action[1:])


def _normalise_parameters(task: Any, parameters: dict[str, Any], *_: Any, **__: Any) -> None:
    converted = to_service(_operation(task).input_shape, parameters)
    parameters.clear()
    parameters.update(converted)


def _normalise_response(task: Any, response: Any, *_: Any, **__: Any) -> None:
    if isinstance(response, dict):
        converted = to_pascal(_operation(task).output_shape, response)
        response.clear()
        response.update(converted)


def _describe_through_alias(backend: StepFunctionBackend, arn: str) -> Any:
    """The state machine an alias ARN routes to, when that is its newest version."""
    try:
        return _describe_state_machine(backend, arn)
    except StateMachineDoesNotExist:
        source, _, name = arn.rpartition(":")
        if name.isnumeric() or source.count(":") != 6:
            raise
        machine = _describe_state_machine(backend, source)
        alias = machine.aliases.get(name)
        routes = alias.routing_configuration if alias else []
        newest = f"{source}:{max(machine.versions, default=0)}"
        if len(routes) != 1 or routes[0]["stateMachineVersionArn"] != newest:
            raise
        return machine


if __name__ == "__main__":
    import moto_provisioned  # a sibling: this file runs as a script from tests/

    moto_provisioned.install()
    moto_jsonata._eval_jsonata = _evaluate
    state_task_factory.state_task_service_for = _service_with_http
    service.StateTaskService._SERVICE_NAME_SFN_TO_BOTO_OVERRIDES["rdsdata"] = "rds-data"  # type: ignore[index]
    sdk = aws_sdk.StateTaskServiceAwsSdk
    sdk._normalise_parameters = _normalise_parameters  # type: ignore[method-assign, assignment]
    sdk._normalise_response = _normalise_response  # type: ignore[method-assign, assignment]
    StepFunctionBackend.describe_state_machine = _describe_through_alias  # type: ignore[method-assign, assignment]
    main(sys.argv[1:])
