"""Function steps: the handler runs in a warm worker process; payloads checked against schemas."""

from __future__ import annotations

import os
from typing import Any

from fnplan.errors import FnplanError
from fnplan.run.context import AttemptContext
from fnplan.run.failure import StepFailure
from fnplan.run.nodes import Resolve
from fnplan.run.protocols import FunctionSpec
from fnplan.run.validation import schema_problem
from fnplan.run.workers import Invocation, WorkerPool
from fnplan.workflow.model import Step


def prepare(step: Step, resolve: Resolve) -> tuple[Any, Any]:
    """The handler's event is the step's resolved `input`."""
    event = resolve(step.input)
    return event, event


def run(request: Any, ctx: AttemptContext) -> Any:
    """Invoke the pinned function version once, validating its input and output."""
    call = ctx.step.function
    assert call is not None, "a function step carries a function call"
    try:
        spec = ctx.run.resolver.function_version(call.address, call.version)
    except FnplanError as error:
        raise StepFailure("FunctionNotDeployed", error.message) from None
    timeout = spec.timeout
    if ctx.step.resources is not None and ctx.step.resources.timeout is not None:
        timeout = ctx.step.resources.timeout
    for fd in ctx.open_captures():  # the worker appends to them
        os.close(fd)
    invocation = Invocation(ctx.attempt_id, request, ctx.stdout_path, ctx.stderr_path, timeout)
    return invoke_checked(ctx.run.pool, spec, invocation)


def invoke_checked(pool: WorkerPool, spec: FunctionSpec, invocation: Invocation) -> Any:
    """Invoke a function version on a warm worker, checking the event and the result against
    the version's schemas (a function step and a trigger's function target both do this)."""
    _validate(spec, "input", invocation.event)
    output = pool.invoke(spec, invocation)
    _validate(spec, "output", output)
    return output


def _validate(spec: FunctionSpec, which: str, value: Any) -> None:
    schema = spec.input_schema if which == "input" else spec.output_schema
    problem = schema_problem(schema, value)
    if problem is not None:
        kind = "InputValidation" if which == "input" else "OutputValidation"
        raise StepFailure(kind, f"{which} of {spec.address} {problem}")
