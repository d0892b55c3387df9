"""Execution log records: the one documented format every workflow run writes.

schemas/execution-log.schema.json is generated from `LogRecord`; each line of a run's
`<log_dir>/<workflow>/<execution id>.jsonl` file is one `LogRecord` in JSON. Trace and span
ids follow OpenTelemetry (W3C trace context): 32 and 16 lowercase hex digits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

NodeType = Literal["function", "workflow", "sql", "shell", "http"]
RecordEvent = Literal[
    "run_started",
    "run_succeeded",
    "run_failed",
    "started",
    "succeeded",
    "failed",
    "retrying",
    "skipped",
    "caught",
    "reused",
    "notice",
]


class ErrorInfo(BaseModel):
    """Why an attempt, a step or a run failed; `type` is what retry/catch `errors` match."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    type: str = Field(
        description="Error type name: the handler's exception class, or Timeout, "
        "WorkerCrashed, InputValidation, OutputValidation, ShellError, HTTPError, ..."
    )
    message: str
    traceback: str | None = Field(default=None, description="Traceback text, when there is one.")


class LogRecord(BaseModel):
    """One line of an execution log: a run event (step is null) or a step/attempt event."""

    model_config = ConfigDict(extra="forbid", title="fnplan execution log record")

    timestamp: AwareDatetime = Field(description="When the event happened (RFC 3339, UTC).")
    workflow: str = Field(description="Workflow name.")
    workflow_address: str = Field(description="Workflow resource address, e.g. workflow.thumbnail.")
    workflow_version: str = Field(description="Version (document hash) of the workflow that ran.")
    execution_id: str
    parent_execution_id: str | None = Field(
        default=None, description="Execution id of the parent run of a nested (call) workflow."
    )
    step: str | None = Field(default=None, description="Step name; null for run_* events.")
    node_type: NodeType | None = None
    attempt: int | None = Field(default=None, ge=1, description="1-based attempt number.")
    event: RecordEvent
    duration_ms: float | None = Field(
        default=None, ge=0, description="Duration of the attempt, the step or the run."
    )
    error: ErrorInfo | None = None
    message: str | None = Field(
        default=None, description="Human-readable detail: why skipped, retry delay, notices."
    )
    trace_id: str = Field(pattern="^[0-9a-f]{32}$", description="OpenTelemetry trace id.")
    span_id: str = Field(pattern="^[0-9a-f]{16}$", description="Span of this run or attempt.")
    parent_span_id: str | None = Field(default=None, pattern="^[0-9a-f]{16}$")
    stdout_path: str | None = Field(default=None, description="Captured stdout of the attempt.")
    stderr_path: str | None = Field(default=None, description="Captured stderr of the attempt.")
    input: Any = Field(
        default=None,
        description='Input value; over 64 KB of JSON: {"$truncated": <bytes>, "$prefix": "..."}.',
    )
    output: Any = Field(default=None, description="Output value, truncated like input.")


#: What `run_workflow(on_event=...)` receives: every record, as it is written.
RunEvent = LogRecord


def utc_now() -> datetime:
    """The current time as an aware UTC datetime (record timestamps)."""
    from datetime import UTC

    return datetime.now(UTC)
