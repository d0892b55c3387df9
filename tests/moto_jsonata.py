"""Runs moto's server (`python tests/moto_jsonata.py -H 127.0.0.1 -p PORT`) with a JSONata
engine for its Step Functions interpreter.

moto's ASL interpreter (LocalStack's) evaluates JSONata through one function, which LocalStack
backs with the reference implementation in a JVM and moto leaves unset; here it is backed by
jsonata-python, so that state machines in the JSONata query language (what the aws provider
generates) really run in moto. moto starts executions only of unqualified state machine
ARNs; here an alias ARN (what fnplan starts, and what call steps start) runs the machine
when the alias routes wholly to its newest version, whose definition the unqualified
machine holds (anything else is refused, not emulated). Nothing else is changed.
"""

from __future__ import annotations

import sys
from typing import Any

import jsonata  # type: ignore[import-untyped]
from moto.server import main
from moto.stepfunctions.exceptions import StateMachineDoesNotExist
from moto.stepfunctions.models import StepFunctionBackend
from moto.stepfunctions.parser.asl.jsonata import jsonata as moto_jsonata

_describe_state_machine = StepFunctionBackend.describe_state_machine


def _evaluate(expression: str) -> Any:
    """moto composes each evaluation (variables bound, then the expression) into one text."""
    return jsonata.Jsonata(expression).evaluate(None)


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
    StepFunctionBackend.describe_state_machine = _describe_through_alias  # type: ignore[method-assign, assignment]
    main(sys.argv[1:])
