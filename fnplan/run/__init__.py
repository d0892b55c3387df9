"""Running workflows locally: the executor, warm handler workers and execution logs.

What is exported here is the public surface a provider may use to run workflow documents on
this machine and serve their history (the local provider does; tests/test_provider_imports.py
keeps providers to it): run a document, re-run from a step, invoke one function, read logs.
"""

from fnplan.run.debug import Decision, StepHooks, reusable_outputs
from fnplan.run.executor import RunParent, RunResult, document_version, run_workflow
from fnplan.run.history import Execution, RunLogs, runs_dir
from fnplan.run.invoke import function_document
from fnplan.run.options import RunOptions
from fnplan.run.protocols import FunctionResolver, FunctionSpec, WorkflowResolver
from fnplan.run.records import ErrorInfo, LogRecord, RunEvent
from fnplan.run.workers import WorkerPool, shared_pool

__all__ = [
    "Decision",
    "ErrorInfo",
    "Execution",
    "FunctionResolver",
    "FunctionSpec",
    "LogRecord",
    "RunEvent",
    "RunLogs",
    "RunOptions",
    "RunParent",
    "RunResult",
    "StepHooks",
    "WorkerPool",
    "WorkflowResolver",
    "document_version",
    "function_document",
    "reusable_outputs",
    "run_workflow",
    "runs_dir",
    "shared_pool",
]
