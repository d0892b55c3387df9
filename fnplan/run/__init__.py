"""Running workflows locally: the executor, warm handler workers and execution logs.

What is exported here is the public surface a provider may use to run workflow documents on
this machine, evaluate their run-time values and serve their history (the local provider
does; tests/test_provider_imports.py keeps providers to it). Names are imported on first
use, so that importing one of them (or any fnplan.run module) does not load the executor.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fnplan.run.debug import Decision, StepHooks, reusable_outputs
    from fnplan.run.executor import RunParent, RunResult, document_version, run_workflow
    from fnplan.run.failure import StepFailure
    from fnplan.run.history import Execution, RunLogs, runs_dir
    from fnplan.run.invoke import function_document
    from fnplan.run.options import RunOptions
    from fnplan.run.protocols import FunctionResolver, FunctionSpec, WorkflowResolver
    from fnplan.run.provider_log import RunLog, new_execution_id
    from fnplan.run.records import ErrorInfo, LogRecord, RunEvent
    from fnplan.run.run_history import RunDirectoryHistory
    from fnplan.run.values import EXPR_KEY, is_expression, resolve, step_references
    from fnplan.run.workers import WorkerPool, shared_pool

#: exported name -> the module that defines it
_EXPORTS = {
    "Decision": "debug",
    "StepHooks": "debug",
    "reusable_outputs": "debug",
    "RunParent": "executor",
    "RunResult": "executor",
    "document_version": "executor",
    "run_workflow": "executor",
    "StepFailure": "failure",
    "Execution": "history",
    "RunLogs": "history",
    "runs_dir": "history",
    "function_document": "invoke",
    "RunOptions": "options",
    "RunLog": "provider_log",
    "new_execution_id": "provider_log",
    "FunctionResolver": "protocols",
    "FunctionSpec": "protocols",
    "WorkflowResolver": "protocols",
    "ErrorInfo": "records",
    "LogRecord": "records",
    "RunEvent": "records",
    "RunDirectoryHistory": "run_history",
    "EXPR_KEY": "values",
    "is_expression": "values",
    "resolve": "values",
    "step_references": "values",
    "WorkerPool": "workers",
    "shared_pool": "workers",
}

__all__ = [
    "EXPR_KEY",
    "Decision",
    "ErrorInfo",
    "Execution",
    "FunctionResolver",
    "FunctionSpec",
    "LogRecord",
    "RunDirectoryHistory",
    "RunEvent",
    "RunLog",
    "RunLogs",
    "RunOptions",
    "RunParent",
    "RunResult",
    "StepFailure",
    "StepHooks",
    "WorkerPool",
    "WorkflowResolver",
    "document_version",
    "function_document",
    "is_expression",
    "new_execution_id",
    "resolve",
    "reusable_outputs",
    "run_workflow",
    "runs_dir",
    "shared_pool",
    "step_references",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # found once
    return value
