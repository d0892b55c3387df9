"""Execution log records as human lines (`fnplan logs`), one record per line plus its captures."""

from __future__ import annotations

from fnplan.run.records import LogRecord


def record_lines(record: LogRecord) -> list[str]:
    """E.g. "12:00:01.123 resize attempt 1 succeeded 14 ms", then its stdout/stderr paths."""
    clock = record.timestamp.astimezone().strftime("%H:%M:%S.%f")[:-3]
    if record.step is None:
        parts = [clock, "run", record.event.removeprefix("run_")]
        if record.event == "run_started":
            parts.append(f"execution {record.execution_id}")
    else:
        parts = [clock, record.step]
        if record.attempt is not None:
            parts.append(f"attempt {record.attempt}")
        parts.append(record.event)
    if record.duration_ms is not None:
        parts.append(duration_text(record.duration_ms))
    detail = _detail(record)
    if detail:
        parts.append(f"- {detail}")
    lines = [" ".join(parts)]
    for name, path in (("stdout", record.stdout_path), ("stderr", record.stderr_path)):
        if path:
            lines.append(f"    {name}: {path}")
    return lines


def duration_text(milliseconds: float) -> str:
    """A duration as "14 ms" below ten seconds, else "12.3 s"."""
    return f"{milliseconds:.0f} ms" if milliseconds < 10_000 else f"{milliseconds / 1000:.1f} s"


def _detail(record: LogRecord) -> str:
    message = record.message or ""
    if record.error is None:
        return message
    first_line = (record.error.message.splitlines() or [""])[0]
    error = f"{record.error.type}: {first_line}"
    return f"{message}: {error}" if message else error
