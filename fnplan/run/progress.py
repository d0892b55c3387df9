"""Live progress of a run: a rich table of the DAG's steps on a terminal, plain lines otherwise.

Use as the `on_event` callback of run_workflow, inside `with RunProgress(document):`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from fnplan.run.records import LogRecord
from fnplan.workflow.model import WorkflowDocument

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.live import Live

#: Beyond this many steps the live table shows only active and failed steps plus counts.
MAX_ROWS = 30
_STATE_OF_EVENT = {
    "started": "running",
    "succeeded": "succeeded",
    "failed": "failed",
    "retrying": "retrying",
    "skipped": "skipped",
    "caught": "caught",
    "reused": "reused",
}
_STYLE = {
    "pending": "dim",
    "running": "cyan",
    "retrying": "yellow",
    "succeeded": "green",
    "failed": "bold red",
    "caught": "magenta",
    "skipped": "dim",
    "reused": "green",
}


@dataclass(slots=True)
class _Row:
    label: str
    node_type: str
    state: str = "pending"
    attempt: int | None = None
    duration_ms: float | None = None
    detail: str = ""


class RunProgress:
    """Shows step state, attempt and duration as records arrive (thread-safe callback)."""

    def __init__(self, document: WorkflowDocument, console: Console | None = None) -> None:
        from rich.console import Console

        self.console = console or Console(stderr=True)
        self._rows: dict[tuple[str | None, str], _Row] = {
            (None, step.name): _Row(step.name, step.type) for step in document.steps
        }
        self._root: str | None = None
        self._run_state = "pending"
        self._lock = threading.Lock()
        self._live: Live | None = None

    def __enter__(self) -> RunProgress:
        if self.console.is_terminal:
            from rich.live import Live

            self._live = Live(console=self.console, get_renderable=self.render, transient=False)
            self._live.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._live is not None:
            self._live.refresh()
            self._live.stop()
            self._live = None

    def __call__(self, record: LogRecord) -> None:
        """Take one record (the run_workflow on_event callback)."""
        with self._lock:
            self._apply(record)
        if self._live is None:
            self.console.print(_plain_line(record), markup=False, highlight=False)

    def render(self) -> RenderableType:
        """The current table (rich calls this on every refresh)."""
        from rich.table import Table

        with self._lock:
            rows = list(self._rows.values())
            run_state = self._run_state
        table = Table(title=f"run: {run_state}", title_justify="left", expand=False)
        for column in ("step", "type", "state", "attempt", "duration", "detail"):
            table.add_column(column, overflow="fold")
        shown = rows if len(rows) <= MAX_ROWS else [r for r in rows if _interesting(r)]
        for row in shown[:MAX_ROWS]:
            table.add_row(
                row.label,
                row.node_type,
                f"[{_STYLE.get(row.state, '')}]{row.state}[/]",
                str(row.attempt or ""),
                _duration(row.duration_ms),
                row.detail,
            )
        if len(shown) < len(rows):
            counts: dict[str, int] = {}
            for row in rows:
                counts[row.state] = counts.get(row.state, 0) + 1
            summary = ", ".join(f"{count} {state}" for state, count in sorted(counts.items()))
            table.caption = f"{len(rows)} steps: {summary}"
        return table

    def _apply(self, record: LogRecord) -> None:
        if self._root is None:
            self._root = record.execution_id
        if record.step is None:
            if record.execution_id == self._root and record.event != "run_started":
                self._run_state = record.event.removeprefix("run_")
            elif record.execution_id == self._root:
                self._run_state = "running"
            return
        execution = None if record.execution_id == self._root else record.execution_id
        key = (execution, record.step)
        row = self._rows.get(key)
        if row is None:
            label = record.step if execution is None else f"  {record.workflow}/{record.step}"
            row = self._rows[key] = _Row(label, record.node_type or "")
        row.state = _STATE_OF_EVENT.get(record.event, row.state)
        row.attempt = record.attempt or row.attempt
        row.duration_ms = record.duration_ms if record.duration_ms is not None else row.duration_ms
        row.detail = _detail(record) or row.detail


def _interesting(row: _Row) -> bool:
    return row.state in ("running", "retrying", "failed", "caught")


def _detail(record: LogRecord) -> str:
    if record.error is not None:
        first_line = (record.error.message.splitlines() or [""])[0]
        error = f"{record.error.type}: {first_line}"
        # a retrying record's message is the wait before the next attempt
        return f"{record.message}: {error}" if record.event == "retrying" else error
    return record.message or ""


def _duration(milliseconds: float | None) -> str:
    if milliseconds is None:
        return ""
    return f"{milliseconds:.0f} ms" if milliseconds < 10_000 else f"{milliseconds / 1000:.1f} s"


def _plain_line(record: LogRecord) -> str:
    where = record.workflow if record.step is None else f"{record.workflow}.{record.step}"
    if record.event == "run_started":
        return f"{where}: run {record.execution_id} started"
    if record.event == "retrying":
        return _retry_line(where, record)
    parts = [f"{where}: {record.event.removeprefix('run_')}"]
    if record.attempt and record.attempt > 1:
        parts.append(f"(attempt {record.attempt})")
    if record.duration_ms is not None:
        parts.append(f"in {_duration(record.duration_ms)}")
    detail = _detail(record)
    if detail:
        parts.append(f"- {detail}")
    return " ".join(parts)


def _retry_line(where: str, record: LogRecord) -> str:
    """E.g. "wf.step: attempt 1 failed after 12 ms - ValueError: bad; attempt 2 in 1 s": the
    duration is the failed attempt's, the wait before the next attempt comes last."""
    line = f"{where}: attempt {record.attempt} failed"
    if record.duration_ms is not None:
        line += f" after {_duration(record.duration_ms)}"
    if record.error is not None:
        line += f" - {record.error.type}: {(record.error.message.splitlines() or [''])[0]}"
    return f"{line}; {record.message}" if record.message else line
