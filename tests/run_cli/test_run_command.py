"""`fnplan run`, `logs` and `runs` end to end on the deployed quickstart."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.run_cli.conftest import Project


def test_run_prints_the_output(project: Project) -> None:
    result = run_fnplan("run", "workflow.thumbnail", "--input", project.input, cwd=project.root)
    output = json.loads(result.stdout)
    assert output["bytes"] > 0
    assert output["thumbnail"].endswith(".w64.thumb")
    assert "thumbnail.resize: succeeded" in result.stderr


def test_run_json_reports_the_execution(project: Project) -> None:
    result = run_fnplan(
        "run",
        "thumbnail",
        "--input",
        project.input,
        "--json",
        "--execution-id",
        "json-1",
        cwd=project.root,
    )
    report = json.loads(result.stdout)
    assert report["status"] == "succeeded"
    assert report["execution_id"] == "json-1"
    assert report["log_path"].endswith("runs/thumbnail/json-1.jsonl")
    assert result.stderr == ""


def test_unknown_workflow_is_a_clean_error(project: Project) -> None:
    result = run_fnplan("run", "workflow.thumbnial", cwd=project.root, check=None)
    assert_clean_error(
        result, "workflow.thumbnial is not deployed", "did you mean 'workflow.thumbnail'?"
    )


def test_bad_input_json_is_a_clean_error(project: Project) -> None:
    result = run_fnplan(
        "run", "workflow.thumbnail", "--input", "{url:", cwd=project.root, check=None
    )
    assert_clean_error(result, "--input: not valid JSON")
    nan = run_fnplan(
        "run", "workflow.thumbnail", "--input", '{"url": NaN}', cwd=project.root, check=None
    )
    assert_clean_error(nan, "NaN is not a JSON number")
    missing = run_fnplan(
        "run", "workflow.thumbnail", "--input", "@nowhere.json", cwd=project.root, check=None
    )
    assert_clean_error(missing, "cannot read nowhere.json")


def test_failing_run_names_the_step_and_the_log(project: Project) -> None:
    missing = json.dumps({"url": str(project.root / "data" / "missing.txt")})
    result = run_fnplan(
        "run",
        "workflow.thumbnail",
        "--input",
        missing,
        "--execution-id",
        "fail-1",
        cwd=project.root,
        check=None,
    )
    log = project.root / ".fnplan" / "runs" / "thumbnail" / "fail-1.jsonl"
    assert_clean_error(result, "failed at step 'fetch'", "FileNotFoundError", f"log: {log}")
    assert result.stdout == ""


def test_logs_and_runs_show_the_execution(project: Project) -> None:
    run_fnplan(
        "run",
        "workflow.thumbnail",
        "--input",
        project.input,
        "--execution-id",
        "seen-1",
        cwd=project.root,
    )
    logs = run_fnplan("logs", "workflow.thumbnail", "--execution", "seen-1", cwd=project.root)
    lines = logs.stdout.splitlines()
    assert "run started execution seen-1" in lines[0]
    assert any(" resize attempt 1 succeeded " in line for line in lines)
    assert any(line.strip().startswith("stdout: ") for line in lines)
    assert "run succeeded" in lines[-1]

    only = run_fnplan(
        "logs",
        "thumbnail",
        "--execution",
        "seen-1",
        "--step",
        "fetch",
        "--json",
        cwd=project.root,
    )
    records = [json.loads(line) for line in only.stdout.splitlines()]
    assert [r["event"] for r in records] == ["started", "succeeded"]
    assert {r["step"] for r in records} == {"fetch"}

    listing = run_fnplan("runs", "workflow.thumbnail", "--json", cwd=project.root)
    runs = {r["execution_id"]: r for r in json.loads(listing.stdout)}
    assert runs["seen-1"]["status"] == "succeeded"
    table = run_fnplan("runs", "workflow.thumbnail", "--limit", "1", cwd=project.root).stdout
    assert table.splitlines()[0].split() == [
        "EXECUTION",
        "STATUS",
        "STARTED",
        "DURATION",
        "FAILED",
        "STEP",
    ]
    assert len(table.splitlines()) == 2


def test_runs_lists_failures_with_their_step(project: Project) -> None:
    missing = json.dumps({"url": str(project.root / "nothing.txt")})
    run_fnplan(
        "run",
        "workflow.thumbnail",
        "--input",
        missing,
        "--execution-id",
        "fail-2",
        cwd=project.root,
        check=1,
    )
    runs = json.loads(run_fnplan("runs", "workflow.thumbnail", "--json", cwd=project.root).stdout)
    failed = next(r for r in runs if r["execution_id"] == "fail-2")
    assert failed["status"] == "failed"
    assert failed["failed_step"] == "fetch"
    assert failed["error"]["type"] == "FileNotFoundError"


def test_logs_of_unknown_runs_are_clean_errors(project: Project) -> None:
    unknown = run_fnplan("logs", "workflow.nothing", cwd=project.root, check=None)
    assert_clean_error(unknown, "no runs of workflow.nothing are recorded")
    execution = run_fnplan(
        "logs", "workflow.thumbnail", "--execution", "nope", cwd=project.root, check=None
    )
    assert_clean_error(execution, "no execution 'nope' of workflow.thumbnail")


def test_logs_of_an_unknown_step_is_a_clean_error(project: Project) -> None:
    run_fnplan("run", "workflow.thumbnail", "--input", project.input, cwd=project.root)
    result = run_fnplan(
        "logs", "workflow.thumbnail", "--step", "rezise", cwd=project.root, check=None
    )
    assert_clean_error(result, "no step 'rezise' in execution", "did you mean 'resize'?")
    assert "allowed: fetch, report_failure, resize" in result.stderr


def test_runs_limit_below_one_is_a_clean_error(project: Project) -> None:
    result = run_fnplan("runs", "workflow.thumbnail", "--limit", "0", cwd=project.root, check=None)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "0 is not in the range x>=1" in result.stderr


def test_ctrl_c_stops_a_run_at_once_and_the_log_ends(tmp_path: Path) -> None:
    """SIGINT while a function and a shell script run for 30 s: both are killed, the log ends
    with run_failed (Interrupted) and fnplan exits 130 within seconds."""
    code = tmp_path / "functions" / "slow"
    code.mkdir(parents=True)
    (code / "main.py").write_text(
        "import time\n\ndef handler(event, context):\n    time.sleep(30)\n    return {}\n"
    )
    (tmp_path / "main.hcl").write_text(
        'runtime "python" {\n  language = "python3.12"\n}\n\n'
        'function "slow" {\n  runtime = runtime.python\n  source  = "./functions/slow"\n'
        "  timeout = 60\n}\n\n"
        'workflow "w" {\n  step "a" {\n    function = function.slow\n  }\n'
        '  step "b" {\n    shell {\n      script = "sleep 30"\n    }\n  }\n}\n'
    )
    run_fnplan("apply", "--auto-approve", cwd=tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "fnplan", "run", "w"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    log_dir = tmp_path / ".fnplan" / "runs" / "w"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # both steps started
        logs = list(log_dir.glob("*.jsonl"))
        if logs and logs[0].read_text().count('"event":"started"') == 2:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=20)
    assert process.returncode == 130, output
    assert time.monotonic() - sent < 10, "the run waited for its steps instead of stopping them"
    records = [json.loads(line) for line in logs[0].read_text().splitlines()]
    assert records[-1]["event"] == "run_failed"
    assert records[-1]["error"]["type"] == "Interrupted"
    assert "Traceback" not in output
