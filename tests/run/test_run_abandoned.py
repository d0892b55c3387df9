"""A run whose process is killed is marked `abandoned` (with the reason) when the history is
next read, never shown as running forever."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, cast

import pytest

from fnplan.errors import FnplanError
from fnplan.run import RunResult, run_workflow
from fnplan.run.history import follow_records, list_executions, read_records
from fnplan.workflow.model import WorkflowDocument

_RUNNER = """
import sys
from pathlib import Path
from fnplan.run import run_workflow
from fnplan.workflow.model import WorkflowDocument

marker = sys.argv[2]
script = f"echo $$ > {marker}.tmp && mv {marker}.tmp {marker}; sleep 60"
document = WorkflowDocument.model_validate({
    "name": "slow", "address": "workflow.slow",
    "steps": [{"name": "wait", "type": "shell",
               "shell": {"script": script}}],
})
run_workflow(document, {}, resolver=None, workflows=None, log_dir=Path(sys.argv[1]),
             execution_id="killed-1")
"""


def _wait_for(path: Path, deadline_seconds: float = 30.0) -> None:
    deadline = time.monotonic() + deadline_seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.01)


def test_a_killed_runs_log_is_marked_abandoned_when_read(tmp_path: Path) -> None:
    log_dir, marker = tmp_path / "runs", tmp_path / "started"
    process = subprocess.Popen([sys.executable, "-c", _RUNNER, str(log_dir), str(marker)])
    try:
        _wait_for(marker)
        [running] = list_executions(log_dir, "workflow.slow")
        assert running.status == "running"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
        if marker.exists():
            os.killpg(int(marker.read_text()), signal.SIGKILL)

    # following the log ends once its writer is gone: it appends the final record itself
    followed: list[str] = []
    log_path = next(log_dir.rglob("killed-1.jsonl"))
    follower = threading.Thread(
        target=lambda: followed.extend(r.event for r in follow_records(log_path, 0.01)),
        daemon=True,
    )
    follower.start()
    follower.join(timeout=30)
    assert followed[-1:] == ["run_failed"]

    [abandoned] = list_executions(log_dir, "workflow.slow")
    assert abandoned.status == "abandoned" and abandoned.error is not None
    assert abandoned.error.type == "Abandoned"
    assert f"pid {process.pid}" in abandoned.error.message
    assert "ended before the run finished" in abandoned.error.message
    records = read_records(abandoned.path)
    assert [r.event for r in records] == ["run_started", "started", "run_failed"]
    # read again: marked once
    assert list_executions(log_dir, "workflow.slow")[0].status == "abandoned"
    assert len(read_records(abandoned.path)) == 3


def _run(document: WorkflowDocument, log_dir: Path, execution_id: str | None = None) -> RunResult:
    """Run a document without function or workflow steps (nothing to resolve)."""
    nothing = cast(Any, None)
    return run_workflow(
        document,
        {},
        resolver=nothing,
        workflows=nothing,
        log_dir=log_dir,
        execution_id=execution_id,
    )


def test_a_finished_run_is_not_abandoned_and_names_its_process(tmp_path: Path) -> None:
    result = _run(WorkflowDocument(name="quick", address="workflow.quick"), tmp_path)
    assert list_executions(tmp_path, "workflow.quick")[0].status == "succeeded"
    first = read_records(result.log_path)[0]
    assert first.message is not None and first.message.startswith(f"pid {os.getpid()}, ")


def test_an_execution_id_already_recorded_cannot_start_again(tmp_path: Path) -> None:
    document = WorkflowDocument(name="taken", address="workflow.taken")
    _run(document, tmp_path, execution_id="same")
    with pytest.raises(FnplanError, match="already recorded"):
        _run(document, tmp_path, execution_id="same")
