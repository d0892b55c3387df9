"""The execution log of one run: a JSON-lines file of LogRecords, written as events happen.

Layout: <log_dir>/<workflow>/<execution id>.jsonl, and the captured stdout/stderr of each
attempt under <log_dir>/<workflow>/<execution id>/<step>.<attempt>.stdout|stderr. A step
output too large for its record is kept in full in <execution id>/<step>.output.json, so
that a later run can reuse it (`fnplan run --from`). Every file is created through RunFiles
(0600, inside the log directory) and every value written is masked (fnplan.run.masking); the
writer keeps its log locked (fnplan.run.lease) so readers can tell it is still being written.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fnplan.errors import FnplanError
from fnplan.run.lease import hold
from fnplan.run.masking import Masker
from fnplan.run.records import ErrorInfo, LogRecord, NodeType, RecordEvent, utc_now
from fnplan.run.runfiles import RunFiles

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
    """Appends records of one run to its file (thread-safe) and forwards them to a listener.

    Values are masked before they are written or forwarded; `steps` are the names of the
    run's steps, checked up front to be usable in file names (nothing is written otherwise).
    """

    def __init__(
        self,
        identity: RunIdentity,
        log_dir: Path,
        on_event: Callable[[LogRecord], None] | None = None,
        *,
        masker: Masker | None = None,
        steps: Iterable[str] = (),
    ) -> None:
        self.identity = identity
        self.masker = masker or Masker()
        self.files = RunFiles(log_dir)
        workflow, execution = identity.workflow, identity.execution_id
        self.path = self.files.path(workflow, f"{execution}.jsonl")
        for step in steps:
            self.files.path(workflow, execution, f"{step}.output.json")
        self.files.directory(workflow)
        if self.path.exists():
            raise FnplanError(
                f"execution {execution!r} of {identity.workflow_address} is "
                f"already recorded in {self.path}",
                hint="give a new --execution-id, or leave it out for a generated one",
            )
        try:
            fd = self.files.create(workflow, self.path.name)
        except FileExistsError:  # started at the same moment by someone else
            raise FnplanError(
                f"execution {execution!r} of {identity.workflow_address} is already recorded"
            ) from None
        hold(fd)
        self._file = os.fdopen(fd, "w", encoding="utf-8")
        self.capture_dir = self.files.directory(workflow, execution)
        self._on_event = on_event
        self._lock = threading.Lock()

    def capture_paths(self, step: str, attempt: int) -> tuple[Path, Path]:
        """Where an attempt's stdout and stderr are captured (see create_captures)."""
        ident = self.identity
        stem = f"{step}.{attempt}"
        return (
            self.files.path(ident.workflow, ident.execution_id, f"{stem}.stdout"),
            self.files.path(ident.workflow, ident.execution_id, f"{stem}.stderr"),
        )

    def create_captures(self, stdout: Path, stderr: Path) -> tuple[int, int]:
        """Create an attempt's capture files (0600) before a process writes them; open fds."""
        ident = self.identity
        return (
            self.files.create(ident.workflow, ident.execution_id, stdout.name),
            self.files.create(ident.workflow, ident.execution_id, stderr.name),
        )

    def seal_capture(self, path: Path) -> Path | None:
        """After an attempt: mask what it printed; None when nothing was captured."""
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        masked = self.masker.data(data)
        if masked != data:
            self.files.write(masked, self.identity.workflow, self.identity.execution_id, path.name)
        return path

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
        mask = self.masker
        input, output = mask.value(input), mask.value(output)
        error = None if error is None else mask.error(error)
        message = None if message is None else mask.text(message)
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
        ident = self.identity
        self.files.write(text.encode(), ident.workflow, ident.execution_id, f"{step}.output.json")

    def close(self) -> None:
        """Close the log file (which releases its lock); later writes are a bug."""
        with self._lock:
            self._file.close()
