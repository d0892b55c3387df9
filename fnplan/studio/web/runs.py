"""Runs in the studio: the executions of a workflow, new runs started from the page, and the
records of one execution as they are written (the same provider capabilities `fnplan run`,
`fnplan runs` and `fnplan logs` use: "run-workflow" and "run-history")."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fnplan.errors import FnplanError
from fnplan.studio.web.project import NotFound, Refused, checked_name

if TYPE_CHECKING:
    from fnplan.run import LogRecord, RunResult
    from fnplan.workspace import Workspace

#: what an execution id in a URL may be (as the executor accepts them)
EXECUTION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
#: how long starting a run waits for its first record (the worker may be cold)
_START_TIMEOUT = 60.0
#: how much of an attempt's captured stdout/stderr the page gets (the end of it)
CAPTURE_TAIL = 16 * 1024


class StudioRuns:
    """Starts runs on a pool of its own and reads executions back from the run history."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._pool = ThreadPoolExecutor(8, thread_name_prefix="fnplan-studio-run")

    def executions(self, name: str, limit: int = 50) -> list[dict[str, Any]]:
        """The workflow's executions, newest first (none yet: an empty list)."""
        from fnplan.operations.runs import executions

        address = f"workflow.{checked_name(name)}"
        try:
            found = executions(self.workspace, address, limit)
        except FnplanError as error:
            if error.message.startswith("no runs of"):
                return []
            raise
        return [execution.to_json() for execution in found]

    def start(self, name: str, payload: Any) -> str:
        """Start a run of the deployed workflow with `payload` as its input; returns its
        execution id as soon as the run has written its first record."""
        from fnplan.operations import runs

        address = f"workflow.{checked_name(name)}"
        deployed = runs.deployed(self.workspace, address, "workflow")
        started: Future[str] = Future()
        self._pool.submit(self._run, deployed, payload, started)
        try:
            return started.result(timeout=_START_TIMEOUT)
        except TimeoutError:
            raise Refused(
                f"the run of {address} wrote nothing within {_START_TIMEOUT:.0f} s",
                hint=f"see its executions: fnplan runs {address}",
            ) from None

    def records(self, name: str, execution_id: str, *, follow: bool) -> Iterator[LogRecord]:
        """The records of one execution; with `follow`, as they are written until it ends."""
        from fnplan.operations.runs import execution_log

        address = f"workflow.{checked_name(name)}"
        if not EXECUTION_ID.match(execution_id):
            raise NotFound(f"{execution_id!r} is not an execution id")
        return iter(execution_log(self.workspace, address, execution_id, follow=follow))

    def close(self) -> None:
        """Wait for the runs started here to finish."""
        self._pool.shutdown(wait=True)

    def _run(self, deployed: Any, payload: Any, started: Future[str]) -> None:
        """Run to the end; `started` resolves with the id at the run's first record (or with
        the error that kept it from starting)."""
        from fnplan.run import RunOptions

        first = threading.Lock()

        def on_event(record: LogRecord) -> None:
            with first:
                if not started.done() and record.parent_execution_id is None:
                    started.set_result(record.execution_id)

        address = deployed.record.address
        options = RunOptions(on_event=on_event, masked=deployed.redact)
        try:
            result: RunResult = deployed.runner().run_workflow(address, payload, options=options)
        except FnplanError as error:
            if not started.done():
                started.set_exception(Refused(error.message, hint=error.hint))
            return
        except BaseException as bug:
            if not started.done():
                started.set_exception(bug)
            raise
        if not started.done():
            started.set_result(result.execution_id)


def record_json(record: LogRecord) -> dict[str, Any]:
    """A record as the page reads it: its JSON form, the lines `fnplan logs` prints, and the
    end of what the attempt printed (captures are masked as they are written)."""
    from fnplan.run.logtext import record_lines

    captured = {
        name: text
        for name, path in (("stdout", record.stdout_path), ("stderr", record.stderr_path))
        if path and (text := _tail(Path(path)))
    }
    return {**record.model_dump(mode="json"), "lines": record_lines(record), "captured": captured}


def _tail(path: Path) -> str:
    """The last CAPTURE_TAIL bytes of a capture file ("" when there is none)."""
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - CAPTURE_TAIL))
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
