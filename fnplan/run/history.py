"""Past executions of a workflow, read back from the log directory the executor writes.

Layout (fnplan.run.logs): <log_dir>/<workflow name>/<execution id>.jsonl. Two workflows of
one name (from different modules) share a directory, so files are matched on the
`workflow_address` of their first record.

A log without a final record that its writer no longer holds locked (fnplan run or serve
was killed: see fnplan.run.lease) is marked when it is read: a `run_failed` record with error type
`Abandoned` and the reason is appended, so it is never shown as running forever.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from fnplan.errors import FnplanError, did_you_mean
from fnplan.run.lease import claim_if_abandoned
from fnplan.run.records import ErrorInfo, LogRecord, utc_now

_RUN_END = frozenset({"run_succeeded", "run_failed"})
#: Execution logs of `fnplan run` live in <project>/.fnplan/RUNS_DIR.
RUNS_DIR = "runs"
#: The error type of a run whose process ended before the run did.
ABANDONED = "Abandoned"
#: How a `caught` record starts in the compact JSON of a log line (never inside a value,
#: where quotes are escaped).
_CAUGHT = b'"event":"caught"'
Status = Literal["succeeded", "failed", "running", "abandoned"]


def runs_dir(data_dir: Path) -> Path:
    """The log directory of a project's runs, given its data directory (.fnplan)."""
    return data_dir / RUNS_DIR


@dataclass(frozen=True, slots=True)
class Execution:
    """One recorded execution: how it ended (or that it is still running) and where its log is."""

    execution_id: str
    workflow_address: str
    status: Status
    started: datetime
    duration_ms: float | None
    failed_step: str | None
    error: ErrorInfo | None
    parent_execution_id: str | None
    path: Path
    caught: int = 0  # failures a catch routed (the run may still have succeeded)

    @property
    def summary(self) -> str:
        """The status as `fnplan runs` shows it, e.g. "succeeded, 1 caught"."""
        return f"{self.status}, {self.caught} caught" if self.caught else self.status

    def to_json(self) -> dict[str, Any]:
        """The execution as plain JSON data (`fnplan runs --json`)."""
        return {
            "execution_id": self.execution_id,
            "workflow": self.workflow_address,
            "status": self.status,
            "started": self.started.isoformat(),
            "duration_ms": self.duration_ms,
            "failed_step": self.failed_step,
            "error": self.error.model_dump() if self.error else None,
            "parent_execution_id": self.parent_execution_id,
            "caught": self.caught,
            "log_path": str(self.path),
        }


@dataclass(frozen=True, slots=True)
class RunLogs:
    """The execution logs under one log directory, read back as a provider's "run-history"
    capability serves them (fnplan.provider.RunHistory)."""

    log_dir: Path

    def executions(self, address: str, limit: int) -> list[Execution]:
        """Executions of `address`, newest first; FnplanError when none is recorded."""
        return list_executions(self.log_dir, address, limit)

    def execution_records(
        self, address: str, execution_id: str | None, *, follow: bool
    ) -> tuple[str, Iterator[LogRecord]]:
        """The id and records of one execution (the latest when None), followed until it
        ends with `follow`."""
        path = execution_log(self.log_dir, address, execution_id)
        records = follow_records(path) if follow else iter(read_records(path))
        return path.stem, records


def list_executions(log_dir: Path, address: str, limit: int | None = None) -> list[Execution]:
    """Executions of workflow `address`, most recently written first (at most `limit`)."""
    found = []
    for path in _newest_first(_workflow_dir(log_dir, address)):
        execution = _execution(path)
        if execution is not None and execution.workflow_address == address:
            found.append(execution)
            if limit is not None and len(found) >= limit:
                break
    if not found:
        raise _no_runs(log_dir, address)
    return found


def execution_log(log_dir: Path, address: str, execution_id: str | None = None) -> Path:
    """The log file of one execution of `address`, or of its latest one when no id is given."""
    if execution_id is None:
        return list_executions(log_dir, address, limit=1)[0].path
    path = _workflow_dir(log_dir, address) / f"{execution_id}.jsonl"
    first = _first_record(path) if path.is_file() else None
    if first is None or first.workflow_address != address:
        recent = [e.execution_id for e in _quiet_list(log_dir, address, 5)]
        raise FnplanError(
            f"no execution {execution_id!r} of {address} is recorded in {log_dir}",
            hint=did_you_mean(execution_id, recent) or "list them with: fnplan runs " + address,
        )
    return path


def execution_input(log_dir: Path, address: str, execution_id: str) -> Any:
    """The input an execution was started with (from its run_started record)."""
    first = _first_record(execution_log(log_dir, address, execution_id))
    return first.input if first is not None else None


def read_records(path: Path) -> list[LogRecord]:
    """Every complete record of one execution log."""
    with path.open(encoding="utf-8") as handle:
        return [_parse(line) for line in handle if line.endswith("\n")]


def follow_records(path: Path, poll_seconds: float = 0.2) -> Iterator[LogRecord]:
    """Records of a log as they are appended, until the run's last record (run_succeeded/failed,
    which is appended here when the run's writer is gone)."""
    pending = ""
    with path.open(encoding="utf-8") as handle:
        while True:
            chunk = handle.readline()
            if not chunk:
                time.sleep(poll_seconds)
                if not pending:
                    _last_or_abandoned(path)
                continue
            pending += chunk
            if not pending.endswith("\n"):
                continue
            record = _parse(pending)
            pending = ""
            yield record
            if record.event in _RUN_END and record.step is None:
                return


def step_outputs(path: Path) -> dict[str, Any]:
    """Outputs of the steps that succeeded (or were reused) in one execution, in full.

    Outputs too large for their record are read from ExecutionLog.output_file.
    """
    outputs: dict[str, Any] = {}
    capture_dir = path.with_suffix("")
    for record in read_records(path):
        if record.event == "succeeded" or record.event == "reused":
            assert record.step is not None, "step records name their step"
            full = capture_dir / f"{record.step}.output.json"
            outputs[record.step] = (
                json.loads(full.read_text(encoding="utf-8")) if full.is_file() else record.output
            )
    return outputs


def _workflow_dir(log_dir: Path, address: str) -> Path:
    # Documents are named after their block label, the last part of the address (without
    # a target suffix: every target's copy of a workflow logs into one directory).
    from fnplan.addresses import label_of

    return log_dir / label_of(address)


def _newest_first(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    stamped = []
    for path in directory.glob("*.jsonl"):
        try:
            stamped.append((path.stat().st_mtime_ns, path.name, path))
        except FileNotFoundError:
            continue
    return [path for _, _, path in sorted(stamped, reverse=True)]


def _execution(path: Path) -> Execution | None:
    first = _first_record(path)
    if first is None:
        return None
    last = _last_or_abandoned(path, first)
    ended = last is not None and last.event in _RUN_END and last.step is None
    status: Status = "running"
    if ended and last is not None:
        status = "succeeded" if last.event == "run_succeeded" else "failed"
        if last.error is not None and last.error.type == ABANDONED:
            status = "abandoned"
    return Execution(
        execution_id=first.execution_id,
        workflow_address=first.workflow_address,
        status=status,
        started=first.timestamp,
        duration_ms=last.duration_ms if ended and last else None,
        failed_step=_failed_step(last) if status == "failed" and last else None,
        error=last.error if status in ("failed", "abandoned") and last else None,
        parent_execution_id=first.parent_execution_id,
        path=path,
        caught=_count_caught(path),
    )


def _last_or_abandoned(path: Path, first: LogRecord | None = None) -> LogRecord | None:
    """The last record; for a run without a final record whose writer is gone, the `Abandoned`
    record this appends."""
    last = _last_record(path)
    if last is not None and last.event in _RUN_END and last.step is None:
        return last
    with claim_if_abandoned(path) as abandoned:
        if not abandoned:
            return last
        last = _last_record(path)  # the writer may have finished meanwhile
        if last is not None and last.event in _RUN_END and last.step is None:
            return last
        first = first or _first_record(path)
        if first is None:
            return last
        who = f"the process that ran it ({first.message})" if first.message else "its process"
        reason = f"{who} ended before the run finished (killed or crashed)"
        return _append_abandoned(path, first, last, reason)


def _append_abandoned(
    path: Path, first: LogRecord, last: LogRecord | None, reason: str
) -> LogRecord:
    """Append the final record of an abandoned run (dropping a half-written last line)."""
    ended = last.timestamp if last is not None else first.timestamp
    record = LogRecord(
        timestamp=utc_now(),
        workflow=first.workflow,
        workflow_address=first.workflow_address,
        workflow_version=first.workflow_version,
        execution_id=first.execution_id,
        parent_execution_id=first.parent_execution_id,
        event="run_failed",
        duration_ms=max(0.0, (ended - first.timestamp).total_seconds() * 1000.0),
        error=ErrorInfo(type=ABANDONED, message=reason),
        message="abandoned",
        trace_id=first.trace_id,
        span_id=first.span_id,
        parent_span_id=first.parent_span_id,
    )
    try:
        with path.open("r+b") as handle:
            data = handle.read()
            handle.seek(data.rfind(b"\n") + 1)
            handle.truncate()
            handle.write(record.model_dump_json().encode() + b"\n")
    except OSError:  # a log fnplan may not write: report it abandoned all the same
        pass
    return record


def _count_caught(path: Path) -> int:
    try:
        return path.read_bytes().count(_CAUGHT)
    except FileNotFoundError:
        return 0


def _failed_step(last: LogRecord) -> str | None:
    # run_failed's message is "step 'NAME' failed" when a step failed the run.
    message = last.message or ""
    if message.startswith("step ") and message.endswith(" failed"):
        quoted = message.removeprefix("step ").removesuffix(" failed")
        return quoted.strip("'\"")
    return None


def _first_record(path: Path) -> LogRecord | None:
    try:
        with path.open(encoding="utf-8") as handle:
            line = handle.readline()
    except FileNotFoundError:
        return None
    return _parse(line) if line.endswith("\n") else None


def _last_record(path: Path) -> LogRecord | None:
    with path.open("rb") as handle:
        handle.seek(0, 2)
        size = handle.tell()
        block = min(size, 64 * 1024)
        while True:
            handle.seek(size - block)
            tail = handle.read(block)
            lines = tail.split(b"\n")
            complete = lines[:-1] if size - block == 0 else lines[1:-1]
            if complete or block >= size:
                break
            block = min(size, block * 4)
    return _parse(complete[-1].decode("utf-8")) if complete else None


def _parse(line: str) -> LogRecord:
    return LogRecord.model_validate_json(line)


def _quiet_list(log_dir: Path, address: str, limit: int) -> list[Execution]:
    try:
        return list_executions(log_dir, address, limit)
    except FnplanError:
        return []


def _no_runs(log_dir: Path, address: str) -> FnplanError:
    recorded = _recorded_addresses(log_dir)
    hint = did_you_mean(address, recorded) or "start one with: fnplan run " + address
    return FnplanError(
        f"no runs of {address} are recorded in {log_dir}",
        allowed=recorded or None,
        hint=hint,
    )


def _recorded_addresses(log_dir: Path) -> set[str]:
    addresses = set()
    if log_dir.is_dir():
        for directory in log_dir.iterdir():
            newest = _newest_first(directory) if directory.is_dir() else []
            first = _first_record(newest[0]) if newest else None
            if first is not None:
                addresses.add(first.workflow_address)
    return addresses
