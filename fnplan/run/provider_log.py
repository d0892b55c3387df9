"""The execution log of a run that a provider follows on its platform (AWS Step Functions,
Argo Workflows), in the format every fnplan run writes (fnplan.run.LogRecord, one JSON line
each under the project's runs directory), so that `fnplan runs` and `fnplan logs` read those
runs like local ones. Shared by the providers, so their records cannot drift apart."""

from __future__ import annotations

import os
import re
import secrets
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnplan.addresses import label_of
from fnplan.errors import FnplanError

if TYPE_CHECKING:
    from fnplan.run.records import LogRecord

#: what a capture file's name may hold besides letters and digits
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def new_execution_id(given: str | None) -> str:
    """The given id, else a sortable one like the local executor's (AWS names take it too)."""
    if given is not None:
        return given
    return f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}-{uuid.uuid4().hex[:12]}"


class RunLog:
    """Writes one run's records to `<log_dir>/<label>/<execution>.jsonl` and forwards each."""

    def __init__(
        self,
        log_dir: Path,
        address: str,
        version: str,
        execution_id: str,
        on_event: Callable[[LogRecord], None] | None,
    ) -> None:
        self.address, self.version, self.execution_id = address, version, execution_id
        self.workflow = label_of(address)
        directory = log_dir / self.workflow
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{execution_id}.jsonl"
        if self.path.exists():
            raise FnplanError(
                f"execution {execution_id!r} of {address} is already recorded in {self.path}",
                hint="give a new --execution-id, or leave it out for a generated one",
            )
        self.path.touch(mode=0o600)
        self._on_event = on_event
        self._trace_id = secrets.token_hex(16)
        self._run_span = secrets.token_hex(8)

    def write(self, event: str, step: str | None = None, **fields: Any) -> LogRecord:
        """Append one record (now, unless `timestamp` is given) and hand it to the listener."""
        from fnplan.run import LogRecord

        fields.setdefault("timestamp", datetime.now(UTC))
        span, parent = (secrets.token_hex(8), self._run_span) if step else (self._run_span, None)
        record = LogRecord(
            workflow=self.workflow,
            workflow_address=self.address,
            workflow_version=self.version,
            execution_id=self.execution_id,
            step=step,
            event=event,  # type: ignore[arg-type]
            trace_id=self._trace_id,
            span_id=span,
            parent_span_id=parent,
            **fields,
        )
        with self.path.open("a", encoding="utf-8") as file:
            file.write(record.model_dump_json() + "\n")
        if self._on_event is not None:
            self._on_event(record)
        return record

    def capture(self, step: str, attempt: int, stream: str, text: str) -> Path:
        """Keep what a step's attempt printed (e.g. its pod's log) beside the run's log, as
        `<execution>/<step>.<attempt>.<stream>` (0600), for a record's stdout_path."""
        directory = self.path.with_suffix("")
        directory.mkdir(mode=0o700, exist_ok=True)
        path = directory / f"{_UNSAFE.sub('_', step)}.{attempt}.{stream}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
        return path
