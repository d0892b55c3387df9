"""An apply whose state lock is broken under it (force-unlock, then another apply takes the
lock) stops before its next write with one clear message, and the other apply's work stands.

Two real `fnplan apply` processes; each is paused (SIGSTOP) at a known point of its walk,
read from its JSON progress, so the interleaving is exact and no test waits on a timer.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.apply_process import ApplyProcess, many_functions
from tests.cli.conftest import assert_clean_error, run_fnplan

FUNCTIONS = 60


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return many_functions(tmp_path, FUNCTIONS)


@pytest.fixture
def applies() -> Iterator[list[ApplyProcess]]:
    """Applies started by a test; any still running at its end are resumed and killed."""
    started: list[ApplyProcess] = []
    yield started
    for apply in started:
        if apply.process.poll() is None:
            os.kill(apply.pid, signal.SIGCONT)
        apply.kill()


def _paused_after(project: Path, applies: list[ApplyProcess], done: int) -> ApplyProcess:
    """An apply stopped (SIGSTOP) once `done` resources are reported applied."""
    apply = ApplyProcess(project)
    applies.append(apply)
    apply.wait_for_done(done)
    os.kill(apply.pid, signal.SIGSTOP)
    return apply


def _lock_id(project: Path) -> str:
    return str(json.loads((project / ".fnplan" / "state.json.lock").read_text())["id"])


def test_apply_whose_lock_was_force_unlocked_stops_before_its_next_write(
    project: Path, applies: list[ApplyProcess]
) -> None:
    first = _paused_after(project, applies, 3)
    lock_id = _lock_id(project)
    run_fnplan("force-unlock", lock_id, cwd=project)
    run_fnplan("apply", "--auto-approve", cwd=project)  # another apply takes the lock and finishes

    os.kill(first.pid, signal.SIGCONT)
    result = first.finish()
    assert_clean_error(result, f"the state lock of this apply (lock ID {lock_id}) was removed")
    assert "FileNotFoundError" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 4, result.stderr

    run_fnplan("plan", "--detailed-exitcode", cwd=project)  # exit 0: the state is whole
    state = json.loads((project / ".fnplan" / "state.json").read_text())
    assert len(state["resources"]) == FUNCTIONS + 1


def test_apply_whose_lock_another_apply_holds_stops_and_names_the_holder(
    project: Path, applies: list[ApplyProcess]
) -> None:
    first = _paused_after(project, applies, 3)
    run_fnplan("force-unlock", _lock_id(project), cwd=project)
    second = _paused_after(project, applies, 3)  # holds the lock now, mid-walk

    os.kill(first.pid, signal.SIGCONT)
    assert_clean_error(
        first.finish(),
        "the state lock of this apply was broken and is now held by another fnplan",
        f"pid {second.pid}",
    )

    os.kill(second.pid, signal.SIGCONT)
    result = second.finish()
    assert result.returncode == 0, result.stderr
    run_fnplan("plan", "--detailed-exitcode", cwd=project)
    state = json.loads((project / ".fnplan" / "state.json").read_text())
    assert len(state["resources"]) == FUNCTIONS + 1
