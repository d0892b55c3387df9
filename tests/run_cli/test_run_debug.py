"""Step debugging end to end: --from/--execution reuse, --step and --break-at, logs --follow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.run_cli.conftest import Project


def _records(project: Project, execution: str) -> list[dict]:
    path = project.root / ".fnplan" / "runs" / "thumbnail" / f"{execution}.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def _events(project: Project, execution: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for record in _records(project, execution):
        if record["step"]:
            found.setdefault(record["step"], []).append(record["event"])
    return found


def test_from_step_reuses_earlier_outputs(project: Project) -> None:
    first = run_fnplan(
        "run",
        "workflow.thumbnail",
        "--input",
        project.input,
        "--execution-id",
        "full-1",
        cwd=project.root,
    )
    before = project.calls()
    again = run_fnplan(
        "run",
        "workflow.thumbnail",
        "--input",
        project.input,
        "--from",
        "resize",
        "--execution",
        "full-1",
        "--execution-id",
        "from-1",
        cwd=project.root,
    )
    assert project.calls()[len(before) :] == ["resize"], "fetch must not run again"
    assert json.loads(again.stdout) == json.loads(first.stdout)
    events = _events(project, "from-1")
    assert events["fetch"] == ["reused"]
    assert events["resize"] == ["started", "succeeded"]
    reused = next(r for r in _records(project, "from-1") if r["event"] == "reused")
    assert reused["output"] == next(
        r["output"]
        for r in _records(project, "full-1")
        if r["step"] == "fetch" and r["event"] == "succeeded"
    )


def test_from_without_input_resumes_with_the_original_input(project: Project) -> None:
    first = run_fnplan(
        "run",
        "workflow.thumbnail",
        "--input",
        project.input,
        "--execution-id",
        "orig-1",
        cwd=project.root,
    )
    again = run_fnplan(
        "run",
        "workflow.thumbnail",
        "--from",
        "resize",
        "--execution",
        "orig-1",
        cwd=project.root,
    )
    assert json.loads(again.stdout) == json.loads(first.stdout)


def test_from_needs_a_known_step_and_execution(project: Project) -> None:
    unknown = run_fnplan(
        "run",
        "workflow.thumbnail",
        "--from",
        "resise",
        "--execution",
        "x",
        cwd=project.root,
        check=None,
    )
    assert_clean_error(
        unknown,
        "--from: workflow workflow.thumbnail has no step 'resise'",
        "did you mean 'resize'?",
    )
    alone = run_fnplan(
        "run", "workflow.thumbnail", "--from", "resize", cwd=project.root, check=None
    )
    assert_clean_error(alone, "--from STEP and --execution ID go together")
    missing = run_fnplan(
        "run",
        "workflow.thumbnail",
        "--input",
        project.input,
        "--from",
        "resize",
        "--execution",
        "never-ran",
        cwd=project.root,
        check=None,
    )
    assert_clean_error(missing, "no execution 'never-ran' of workflow.thumbnail")


def test_step_answers_continue_skip(project: Project) -> None:
    before = project.calls()
    result = run_fnplan(
        "run",
        "workflow.thumbnail",
        "--input",
        project.input,
        "--step",
        "--execution-id",
        "step-1",
        cwd=project.root,
        input="i\nc\ns\n",
    )
    assert project.calls()[len(before) :] == ["fetch"]
    assert '"url": ' in result.stderr, "[i]nput shows the resolved input"
    assert result.stderr.count("[c]ontinue") == 3
    events = _events(project, "step-1")
    assert events["fetch"] == ["started", "succeeded"]
    assert events["resize"] == ["skipped"]
    skipped = next(r for r in _records(project, "step-1") if r["step"] == "resize")
    assert skipped["message"] == "skipped by the user"
    assert json.loads(result.stdout) == {"thumbnail": None, "bytes": None}


def test_quit_stops_the_run_as_failed(project: Project) -> None:
    before = project.calls()
    result = run_fnplan(
        "run",
        "workflow.thumbnail",
        "--input",
        project.input,
        "--break-at",
        "resize",
        "--execution-id",
        "quit-1",
        cwd=project.root,
        input="q\n",
        check=None,
    )
    assert_clean_error(result, "failed at step 'resize'", "StoppedByUser", "stopped by user")
    assert result.stderr.count("[c]ontinue") == 1, "--break-at asks from that step on"
    assert project.calls()[len(before) :] == ["fetch"]
    last = _records(project, "quit-1")[-1]
    assert last["event"] == "run_failed"
    assert last["error"]["type"] == "StoppedByUser"
    assert _events(project, "quit-1")["report_failure"] == ["skipped"], "a stop is never caught"


def test_logs_follow_tails_until_the_run_ends(project: Project) -> None:
    command = [
        sys.executable,
        "-m",
        "fnplan",
        "run",
        "workflow.thumbnail",
        "--input",
        project.input,
        "--step",
        "--execution-id",
        "follow-1",
    ]
    env = {**os.environ, "NO_COLOR": "1"}
    running = subprocess.Popen(
        command,
        cwd=project.root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    log = project.root / ".fnplan" / "runs" / "thumbnail" / "follow-1.jsonl"
    deadline = time.monotonic() + 30
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    follower = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fnplan",
            "logs",
            "workflow.thumbnail",
            "--execution",
            "follow-1",
            "--follow",
        ],
        cwd=project.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    time.sleep(0.5)
    assert follower.poll() is None, "follow waits while the run is paused"
    running.communicate("c\nc\n", timeout=60)
    out, err = follower.communicate(timeout=30)
    assert follower.returncode == 0, err
    assert "resize attempt 1 succeeded" in out
    assert out.splitlines()[-1].split()[1:3] == ["run", "succeeded"]
