"""Run the real `fnplan` command in a subprocess, as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

Runner = Callable[..., subprocess.CompletedProcess[str]]


def run_fnplan(
    *args: str,
    cwd: Path,
    check: int | None = 0,
    env: dict[str, str] | None = None,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m fnplan ARGS` in cwd; assert the exit code when `check` is not None."""
    result = subprocess.run(
        [sys.executable, "-m", "fnplan", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=user_environment(env),
        input=input,
        timeout=120,
    )
    if check is not None:
        assert result.returncode == check, (
            f"fnplan {' '.join(args)} exited {result.returncode}, expected {check}\n"
            f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
        )
    return result


def user_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a user's terminal: no colours, a wide console, no debug tracebacks."""
    environ = {**os.environ, "NO_COLOR": "1", "COLUMNS": "160", **(extra or {})}
    environ.pop("FNPLAN_DEBUG", None)
    return environ


@pytest.fixture
def fnplan() -> Runner:
    return run_fnplan


def assert_clean_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    """Exit 1, no traceback, and the message contains every fragment."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output, output
    for fragment in fragments:
        assert fragment in output, f"{fragment!r} not in:\n{output}"
