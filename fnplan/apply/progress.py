"""Apply progress for people and machines: a live bar on terminals, one line per finished
resource otherwise, or JSON lines; always ending with the complete/failed summary.

Long calls show what they wait for: a provider's progress text ("function.x: waiting for
function Active, 12 s") as it comes, and every `interval` seconds a line for each call still
running ("function.x: still creating... (30 s elapsed)"), as Terraform does."""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from fnplan.apply.walk import ApplyEvent, ApplyResult
from fnplan.plan.model import PlanSummary

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

_PAST = {"create": "created", "update": "updated", "delete": "destroyed"}
_DOING = {"create": "creating", "update": "updating", "delete": "destroying"}
_MAX_IN_FLIGHT_SHOWN = 3
_FLUSH_SECONDS = 0.2
#: seconds between the "still creating..." lines of a running call
STILL_RUNNING_SECONDS = 10.0
#: a provider's changing progress text is printed at most this often per call
_PROGRESS_GAP_SECONDS = 1.0


@dataclass(slots=True)
class _Running:
    """A call in progress: since when, what it last said, when a line last named it."""

    started: float
    text: str = ""
    reported: float = 0.0
    #: when the provider's text was last printed as it changed
    texted: float = float("-inf")


class ApplyProgress:
    """Reports ApplyEvents as they come (pass `on_event` to apply_plan); `finish` prints the
    final line. Use as a context manager so a live display is always stopped."""

    def __init__(
        self,
        console: Console,
        *,
        total: int | PlanSummary,
        json_lines: bool = False,
        stream: TextIO | None = None,
        interval: float = STILL_RUNNING_SECONDS,
    ) -> None:
        if isinstance(total, PlanSummary):
            total = total.add + total.change + total.destroy
        self.total = total
        self.console = console
        self.json_lines = json_lines
        self.stream = stream
        self.finished = 0
        self.interval = interval
        self.in_flight: dict[tuple[str, str], _Running] = {}
        #: events come from the walk and from provider calls' threads (progress)
        self._lock = threading.RLock()
        self._ticking = threading.Event()
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._started = time.perf_counter()
        self._pending: list[str] = []
        self._flushed = self._started

    def __enter__(self) -> ApplyProgress:
        self._started = time.perf_counter()
        if not self.json_lines and self.console.is_terminal:
            self._start_live()
        if not self.json_lines:
            threading.Thread(target=self._tick, name="apply-progress", daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._ticking.set()
        with self._lock:
            self._stop_live()

    def on_event(self, event: ApplyEvent) -> None:
        """Report one event (pass this method as apply_plan's `on_event`); thread-safe."""
        with self._lock:
            self._on_event(event)

    def _on_event(self, event: ApplyEvent) -> None:
        key = (event.address, event.action)
        now = time.perf_counter()
        running = self.in_flight.get(key)
        if event.phase == "start":
            self.in_flight[key] = _Running(started=now, reported=now)
        elif event.phase == "progress":
            if running is None:
                return  # a late message from a call the walk gave up on
            changed = event.message != running.text
            running.text = event.message
            if changed and not self.json_lines and now - running.texted >= _PROGRESS_GAP_SECONDS:
                running.reported = running.texted = now
                self._pending.append(_running_line(event.address, event.action, running, now))
                self._flush_lines()
        else:
            self.in_flight.pop(key, None)
            self.finished += 1
        if self.json_lines:
            self._write_json({"type": "event", **_event_fields(event)})
            return
        if event.phase not in ("start", "progress"):
            self._pending.append(_event_line(event))
            if now - self._flushed >= _FLUSH_SECONDS:
                self._flush_lines()
        self._update_live()

    def _tick(self) -> None:
        """Every `interval`: a line for each call running without one for that long (the
        live display's description is refreshed more often, with the elapsed times)."""
        period = min(self.interval, 1.0) if self._progress is not None else self.interval
        while not self._ticking.wait(period):
            with self._lock:
                now = time.perf_counter()
                for (address, action), running in self.in_flight.items():
                    if now - running.reported >= self.interval:
                        running.reported = now
                        self._pending.append(_running_line(address, action, running, now))
                self._flush_lines()
                self._update_live()

    def finish(self, result: ApplyResult) -> None:
        """Stop the live display and print the final line(s) for `result`."""
        self._ticking.set()
        with self._lock:
            self._finish(result)

    def _finish(self, result: ApplyResult) -> None:
        self._flush_lines()
        self._stop_live()
        if self.json_lines:
            self._write_json(
                {
                    "type": "summary",
                    "ok": result.ok,
                    "imported": result.imported,
                    "added": result.added,
                    "changed": result.changed,
                    "destroyed": result.destroyed,
                    "failed": [{"address": a, "message": m} for a, m in result.failed],
                    "skipped": result.skipped,
                    "interrupted": result.interrupted,
                    "elapsed": round(time.perf_counter() - self._started, 3),
                }
            )
            return
        style = "bold green" if result.ok else "bold red"
        self.console.print(
            summary_text(result), style=style, highlight=False, markup=False, soft_wrap=True
        )

    def _start_live(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("Applying"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=self.console,
            transient=True,
        )
        self._task = self._progress.add_task("", total=self.total)
        self._progress.start()

    def _flush_lines(self) -> None:
        """Print the finished-resource lines gathered since the last flush, in one call:
        a print per line costs more than the local provider's work at 10,000 resources."""
        if self._pending:
            self.console.print(
                "\n".join(self._pending), highlight=False, markup=False, soft_wrap=True
            )
            self._pending.clear()
        self._flushed = time.perf_counter()

    def _stop_live(self) -> None:
        self._flush_lines()
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def _update_live(self) -> None:
        if self._progress is None or self._task is None:
            return
        now = time.perf_counter()
        names = [
            f"{address}: {running.text}, {_seconds(now - running.started)}"
            if running.text
            else address
            for (address, _), running in self.in_flight.items()
        ]
        shown = ", ".join(names[:_MAX_IN_FLIGHT_SHOWN])
        more = len(names) - _MAX_IN_FLIGHT_SHOWN
        description = f"{shown} (+{more})" if more > 0 else shown
        self._progress.update(self._task, completed=self.finished, description=description)

    def _write_json(self, record: dict[str, object]) -> None:
        stream = self.stream or sys.stdout
        stream.write(json.dumps(record) + "\n")
        stream.flush()


def summary_text(result: ApplyResult) -> str:
    """ "Apply complete! Resources: 3 added, ..." or "Apply failed: N error(s) ..." with each
    failed address and its provider's message."""
    imported = f"{result.imported} imported, " if result.imported else ""
    resources = (
        f"Resources: {imported}{result.added} added, {result.changed} changed, "
        f"{result.destroyed} destroyed."
    )
    if result.ok:
        return f"Apply complete! {resources}"
    skipped = f", {len(result.skipped)} skipped" if result.skipped else ""
    if result.interrupted:
        lines = [
            f"Apply interrupted: {len(result.skipped)} not started, {len(result.failed)} "
            f"error(s). {resources} The state records everything that finished."
        ]
    else:
        lines = [f"Apply failed: {len(result.failed)} error(s){skipped}. {resources}"]
    lines.extend(
        f"  {address}: {message}".replace("\n", "\n    ") for address, message in result.failed
    )
    return "\n".join(lines)


def _event_fields(event: ApplyEvent) -> dict[str, object]:
    return {
        "address": event.address,
        "action": event.action,
        "phase": event.phase,
        "elapsed": round(event.elapsed, 4),
        "message": event.message,
    }


def _event_line(event: ApplyEvent) -> str:
    if event.phase == "done":
        return f"{event.address}: {_PAST[event.action]} ({_duration(event.elapsed)})"
    if event.phase == "failed":
        took = _duration(event.elapsed)
        first = event.message.split("\n", 1)[0]  # the details follow in the summary
        return f"{event.address}: {event.action} failed ({took}): {first}"
    return f"{event.address}: skipped ({event.message})"


def _running_line(address: str, action: str, running: _Running, now: float) -> str:
    """ "function.x: waiting for function Active, 12 s" or "function.x: still creating...
    (30 s elapsed)"."""
    elapsed = _seconds(now - running.started)
    if running.text:
        return f"{address}: {running.text}, {elapsed}"
    return f"{address}: still {_DOING.get(action, action)}... ({elapsed} elapsed)"


def _seconds(seconds: float) -> str:
    return f"{seconds:.0f} s"


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f}s"
