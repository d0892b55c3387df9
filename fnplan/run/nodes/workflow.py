"""Workflow steps (nesting = "call"): the child document runs as a child execution of this run."""

from __future__ import annotations

from typing import Any

from fnplan.errors import FnplanError
from fnplan.run.context import AttemptContext
from fnplan.run.failure import StepFailure
from fnplan.run.nodes import Resolve
from fnplan.workflow.model import Step


def prepare(step: Step, resolve: Resolve) -> tuple[Any, Any]:
    """The child's input is the step's resolved `input`."""
    value = resolve(step.input)
    return value, value


def run(request: Any, ctx: AttemptContext) -> Any:
    """Run the child to completion; its output is the step's output, its failure the step's."""
    from fnplan.run.executor import RunParent, run_workflow

    call = ctx.step.workflow
    assert call is not None, "a workflow step carries a workflow call"
    try:
        document = ctx.run.workflows.workflow_document(call.address, call.version)
    except FnplanError as error:
        raise StepFailure("WorkflowNotDeployed", error.message) from None
    identity = ctx.run.log.identity
    result = run_workflow(
        document,
        request,
        resolver=ctx.run.resolver,
        workflows=ctx.run.workflows,
        log_dir=ctx.run.log_dir,
        on_event=ctx.run.on_event,
        max_parallel=ctx.run.max_parallel,
        pool=ctx.run.pool,
        workflow_version=call.version,
        parent=RunParent(identity.execution_id, identity.trace_id, ctx.span_id),
        tracer_provider=ctx.run.tracer.provider,
        masked=ctx.run.log.masker.values,
    )
    if result.error is not None:
        where = f" at step {result.failed_step!r}" if result.failed_step else ""
        raise StepFailure(
            result.error.type,
            f"child execution {result.execution_id} of {call.address} failed{where}: "
            f"{result.error.message}",
            result.error.traceback,
        )
    return result.output
