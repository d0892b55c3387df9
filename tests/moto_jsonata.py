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
as it does Athena or SageMaker, so such state machines deploy. Nothing else is changed.
"""

from __future__ import annotations

import sys
from typing import Any

import jsonata  # type: ignore[import-untyped]
from moto.server import main
from moto.stepfunctions.exceptions import StateMachineDoesNotExist
from moto.stepfunctions.models import StepFunctionBackend
from moto.stepfunctions.parser.asl.component.state.exec.state_task import state_task_factory
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
    moto_jsonata._eval_jsonata = _evaluate
    state_task_factory.state_task_service_for = _service_with_http
    StepFunctionBackend.describe_state_machine = _describe_through_alias  # type: ignore[method-assign, assignment]
    main(sys.argv[1:])
