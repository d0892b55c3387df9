"""Running workflows locally: the executor, warm handler workers and execution logs."""

from fnplan.run.debug import Decision, StepHooks
from fnplan.run.executor import RunParent, RunResult, document_version, run_workflow
from fnplan.run.options import RunOptions
from fnplan.run.protocols import FunctionResolver, FunctionSpec, WorkflowResolver
from fnplan.run.records import ErrorInfo, LogRecord, RunEvent
from fnplan.run.workers import WorkerPool, shared_pool

__all__ = [
    "Decision",
    "ErrorInfo",
    "FunctionResolver",
    "FunctionSpec",
    "LogRecord",
    "RunEvent",
    "RunOptions",
    "RunParent",
    "RunResult",
    "StepHooks",
    "WorkerPool",
    "WorkflowResolver",
    "document_version",
    "run_workflow",
    "shared_pool",
]
