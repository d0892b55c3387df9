"""The execution log of one run: a JSON-lines file of LogRecords, written as events happen.

Layout: <log_dir>/<workflow>/<execution id>.jsonl, and the captured stdout/stderr of each
attempt under <log_dir>/<workflow>/<execution id>/<step>.<attempt>.stdout|stderr. A step
output too large for its record is kept in full in <execution id>/<step>.output.json, so
that a later run can reuse it (`fnplan run --from`).
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fnplan.errors import FnplanError
from fnplan.run.records import ErrorInfo, LogRecord, NodeType, RecordEvent, utc_now

#: Inputs and outputs whose JSON is longer than this are truncated in records.
MAX_VALUE_BYTES = 64 * 1024


def new_trace_id() -> str:
    """A random OpenTelemetry trace id (32 lowercase hex digits)."""
    return secrets.token_hex(16)


def new_span_id() -> str:
    """A random OpenTelemetry span id (16 lowercase hex digits)."""
    return secrets.token_hex(8)


def truncate(value: Any) -> Any:
    """`value`, or {"$truncated": <bytes>, "$prefix": <text>} when its JSON is over 64 KB."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = json.dumps(value, default=str, ensure_ascii=False)
    size = len(text.encode())
    if size <= MAX_VALUE_BYTES:
        return value
    return {"$truncated": size, "$prefix": text[: MAX_VALUE_BYTES // 4]}


@dataclass(frozen=True, slots=True)
class RunIdentity:
    """Who is logging: the fields shared by every record of one run."""

    workflow: str
    workflow_address: str
    workflow_version: str
    execution_id: str
    parent_execution_id: str | None
    trace_id: str
    run_span_id: str
    parent_span_id: str | None


class ExecutionLog:
    """Appends records of one run to its file (thread-safe) and forwards them to a listener."""

    def __init__(
        self,
        identity: RunIdentity,
        log_dir: Path,
        on_event: Callable[[LogRecord], None] | None = None,
    ) -> None:
        self.identity = identity
        run_dir = log_dir / identity.workflow
        self.path = run_dir / f"{identity.execution_id}.jsonl"
        self.capture_dir = run_dir / identity.execution_id
        self.capture_dir.mkdir(parents=True, exist_ok=True)
        self._on_event = on_event
        self._lock = threading.Lock()
        try:
            self._file = self.path.open("x", encoding="utf-8")
        except FileExistsError:
            raise FnplanError(
                f"execution {identity.execution_id!r} of {identity.workflow_address} is "
                f"already recorded in {self.path}",
                hint="give a new --execution-id, or leave it out for a generated one",
            ) from None

    def capture_paths(self, step: str, attempt: int) -> tuple[Path, Path]:
        """Where an attempt's stdout and stderr are captured."""
        stem = self.capture_dir / f"{step}.{attempt}"
        return stem.with_name(stem.name + ".stdout"), stem.with_name(stem.name + ".stderr")

    def write(
        self,
        event: RecordEvent,
        *,
        step: str | None = None,
        node_type: NodeType | None = None,
        attempt: int | None = None,
        span_id: str | None = None,
        duration_ms: float | None = None,
        error: ErrorInfo | None = None,
        message: str | None = None,
        stdout_path: Path | None = None,
        stderr_path: Path | None = None,
        input: Any = None,
        output: Any = None,
    ) -> LogRecord:
        """Write one record; a step record gets `span_id` (or a new span) under the run's span."""
        ident = self.identity
        is_run_record = step is None
        logged_output = truncate(output)
        if event in ("succeeded", "reused") and step and logged_output is not output:
            self._keep_output(step, output)
        record = LogRecord(
            timestamp=utc_now(),
            workflow=ident.workflow,
            workflow_address=ident.workflow_address,
            workflow_version=ident.workflow_version,
            execution_id=ident.execution_id,
            parent_execution_id=ident.parent_execution_id,
            step=step,
            node_type=node_type,
            attempt=attempt,
            event=event,
            duration_ms=None if duration_ms is None else round(duration_ms, 3),
            error=error,
            message=message,
            trace_id=ident.trace_id,
            span_id=ident.run_span_id if is_run_record else (span_id or new_span_id()),
            parent_span_id=ident.parent_span_id if is_run_record else ident.run_span_id,
            stdout_path=str(stdout_path) if stdout_path else None,
            stderr_path=str(stderr_path) if stderr_path else None,
            input=truncate(input),
            output=logged_output,
        )
        line = record.model_dump_json(exclude_none=False) + "\n"
        with self._lock:
            self._file.write(line)
            self._file.flush()
            if self._on_event is not None:
                self._on_event(record)
        return record

    def output_file(self, step: str) -> Path:
        """Where the full output of a succeeded step is kept when its record truncates it."""
        return self.capture_dir / f"{step}.output.json"

    def _keep_output(self, step: str, output: Any) -> None:
        text = json.dumps(output, default=str, ensure_ascii=False)
        self.output_file(step).write_text(text, encoding="utf-8")

    def close(self) -> None:
        """Close the log file; later writes are a bug."""
        with self._lock:
            self._file.close()
