"""Invoking one deployed function version (`fnplan invoke`, like `sam local invoke`).

An invocation runs through the executor as a one-step document named after the function, so
it gets what a workflow run gets: an execution log under the function's address, captured
output, `fnplan runs` and `fnplan logs`, masking, retries of nothing and a clean failure.
"""

from __future__ import annotations

from fnplan.addresses import kind_of, label_of
from fnplan.workflow.model import FunctionCall, Step, WorkflowDocument


def function_document(address: str, version: str) -> WorkflowDocument:
    """The document that calls function `address` at `version` once with the run input."""
    name = label_of(address)
    step = Step(
        name=name,
        type="function",
        function=FunctionCall(address=address, version=version),
        input={"$expr": "input"},
    )
    return WorkflowDocument(
        name=name, address=address, steps=[step], output={"$expr": f"step.{name}.output"}
    )


def is_function_address(address: str) -> bool:
    """Whether `address` names a function (function.NAME, module.M.function.NAME, ...)."""
    return kind_of(address) == "function"
