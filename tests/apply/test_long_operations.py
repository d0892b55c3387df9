"""Long operations end to end through `fnplan`: progress lines, per-call timeouts, Ctrl-C
(first: finish what runs and record it; second: exit at once) and close() after every
command, with the test providers of tests/apply/longops_provider.py."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.apply.longops_provider import BEHAVIOUR_ENV, register_entry_points
from tests.cli.conftest import assert_clean_error, run_fnplan, user_environment

FUNCTIONS = ("a_slow", "b", "c")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A runtime and three functions on the `longops` provider."""
    root = tmp_path / "project"
    parts = ['provider "longops" {}\n', 'runtime "python" {\n  language = "python3.12"\n}\n']
    for name in FUNCTIONS:
        code = root / "functions" / name
        code.mkdir(parents=True)
        (code / "main.py").write_text("def handler(event, context):\n    return 1\n")
        parts.append(
            f'function "{name}" {{\n  runtime = runtime.python\n'
            f'  source  = "./functions/{name}"\n}}\n'
        )
    (root / "main.hcl").write_text("\n".join(parts))
    return root


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return register_entry_points(tmp_path / "entry-points")


def _store(project: Path) -> Path:
    return project / ".fnplan" / "longops"


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


class _Live:
    """A `fnplan` process whose stdout and stderr lines are collected as they come."""

    def __init__(self, project: Path, env: dict[str, str], *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fnplan", *args],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=user_environment(env),
            # Ctrl-C works even when the suite runs in the background (where SIGINT is ignored)
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err)):
            threading.Thread(target=self._read, args=(stream, lines), daemon=True).start()

    @staticmethod
    def _read(stream: object, lines: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line.rstrip("\n"))

    def wait_for_line(self, fragment: str, *, err: bool = False) -> str:
        lines = self.err if err else self.out
        _wait_for(lambda: any(fragment in line for line in lines), repr(fragment))
        return next(line for line in lines if fragment in line)

    def finish(self, timeout: float = 60.0) -> int:
        code = self.process.wait(timeout=timeout)
        time.sleep(0)  # let the reader threads take the last lines
        return code

    def text(self) -> str:
        return "\n".join(self.out + self.err)


def _planned(project: Path, env: dict[str, str]) -> dict[str, str]:
    plan = json.loads(run_fnplan("plan", "--json", cwd=project, env=env).stdout)
    return {change["address"]: change["action"] for change in plan["changes"]}


def test_a_providers_progress_is_shown_while_its_call_runs(
    project: Path, env: dict[str, str]
) -> None:
    slow_env = {**env, BEHAVIOUR_ENV: "create:function.a_slow=progress"}
    apply = _Live(project, slow_env, "apply", "--auto-approve")
    try:
        line = apply.wait_for_line("function.a_slow: waiting for function Active, ")
        assert line.endswith(" s"), line
        (_store(project) / "release").touch()
        assert apply.finish() == 0, apply.text()
    finally:
        apply.process.kill()
    assert "function.a_slow: created (" in apply.text()
    assert "Apply complete! Resources: 4 added" in apply.text()


def test_a_call_that_outlasts_its_timeout_fails_only_its_resource(
    project: Path, env: dict[str, str]
) -> None:
    stuck_env = {**env, BEHAVIOUR_ENV: "create:function.a_slow=hang"}
    started = time.monotonic()
    result = run_fnplan(
        "apply", "--auto-approve", "--timeout", "1s", cwd=project, env=stuck_env, check=None
    )
    assert time.monotonic() - started < 30, "a stuck call must not hold the command"
    assert_clean_error(result, "timed out after 1s waiting for create of function.a_slow")
    assert "Apply failed: 1 error(s)" in result.stdout
    assert _planned(project, env) == {
        "runtime.python": "noop",
        "function.a_slow": "create",
        "function.b": "noop",
        "function.c": "noop",
    }


def test_timeout_must_be_a_duration(project: Path, env: dict[str, str]) -> None:
    result = run_fnplan("plan", "--timeout", "soon", cwd=project, env=env, check=None)
    assert_clean_error(result, "Invalid value for '--timeout': invalid duration 'soon'", "10m")


def test_ctrl_c_finishes_what_runs_records_it_and_starts_nothing_new(
    project: Path, env: dict[str, str]
) -> None:
    slow_env = {**env, BEHAVIOUR_ENV: "create:function.a_slow=progress"}
    apply = _Live(project, slow_env, "apply", "--auto-approve", "--parallelism", "1")
    try:
        _wait_for((_store(project) / "entered-create-function.a_slow").exists, "the slow call")
        apply.process.send_signal(signal.SIGINT)
        code = apply.finish()
    finally:
        apply.process.kill()
    text = apply.text()
    assert code == 130, text
    assert "Interrupt received: starting nothing new" in text
    assert "Apply interrupted: 2 not started, 1 error(s)" in text
    assert "function.a_slow: create failed" in text and "apply was interrupted" in text
    assert "Traceback" not in text
    # the runtime finished before the interrupt and is recorded; the lock is released
    assert _planned(project, env) == {
        "runtime.python": "noop",
        "function.a_slow": "create",
        "function.b": "create",
        "function.c": "create",
    }
    run_fnplan("apply", "--auto-approve", cwd=project, env=env)
    run_fnplan("plan", "--detailed-exitcode", cwd=project, env=env)


def test_a_second_ctrl_c_exits_at_once_and_the_next_command_recovers(
    project: Path, env: dict[str, str]
) -> None:
    stuck_env = {**env, BEHAVIOUR_ENV: "create:function.a_slow=hang"}
    apply = _Live(project, stuck_env, "apply", "--auto-approve", "--parallelism", "1")
    try:
        _wait_for((_store(project) / "entered-create-function.a_slow").exists, "the stuck call")
        apply.process.send_signal(signal.SIGINT)
        apply.wait_for_line("Interrupt received", err=True)
        apply.process.send_signal(signal.SIGINT)
        code = apply.finish(timeout=20)
    finally:
        apply.process.kill()
    assert code == 130, apply.text()
    assert "Interrupted again: exiting now" in apply.text()
    assert _planned(project, env) == {
        "runtime.python": "noop",
        "function.a_slow": "create",
        "function.b": "create",
        "function.c": "create",
    }
    run_fnplan("apply", "--auto-approve", cwd=project, env=env)
    run_fnplan("plan", "--detailed-exitcode", cwd=project, env=env)


def _lifecycle(project: Path) -> tuple[list[str], list[str]]:
    """The provider instances opened and those closed ("PID ID" each), in order."""
    lines = [
        line.split(" ", 1) for line in (_store(project) / "lifecycle.log").read_text().splitlines()
    ]
    return [i for e, i in lines if e == "opened"], [i for e, i in lines if e == "closed"]


def test_every_command_closes_the_providers_it_opened_also_after_an_error(
    project: Path, env: dict[str, str]
) -> None:
    run_fnplan("apply", "--auto-approve", cwd=project, env=env)
    opened, closed = _lifecycle(project)
    assert opened and sorted(opened) == sorted(closed), "each instance closed exactly once"
    stuck_observe = {**env, BEHAVIOUR_ENV: "observe:function.b=hang"}
    failed = run_fnplan("plan", "--timeout", "1s", cwd=project, env=stuck_observe, check=None)
    assert_clean_error(failed, "function.b: timed out after 1s waiting for observe of function.b")
    opened_after, closed_after = _lifecycle(project)
    assert len(opened_after) > len(opened)
    assert sorted(opened_after) == sorted(closed_after)


def test_ctrl_c_during_the_refresh_of_a_plan_stops_it_at_once(
    project: Path, env: dict[str, str]
) -> None:
    run_fnplan("apply", "--auto-approve", cwd=project, env=env)
    stuck_env = {**env, BEHAVIOUR_ENV: "observe:function.b=hang"}
    plan = _Live(project, stuck_env, "plan")
    try:
        _wait_for((_store(project) / "entered-observe-function.b").exists, "the stuck observe")
        plan.process.send_signal(signal.SIGINT)
        code = plan.finish(timeout=20)
    finally:
        plan.process.kill()
    assert code == 130, plan.text()
    assert "Interrupted." in plan.text() and "Traceback" not in plan.text()
    run_fnplan("plan", "--detailed-exitcode", cwd=project, env=env)  # the lock was released
