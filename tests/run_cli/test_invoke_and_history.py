"""`fnplan invoke` of deployed functions, `runs`/`logs` of functions, caught failures and
abandoned runs in `fnplan runs`, and run input beyond the limits, on the deployed quickstart."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import assert_clean_error, run_fnplan
from tests.run_cli.conftest import Project


def test_invoke_runs_one_function_and_runs_and_logs_show_it(project: Project) -> None:
    event = project.input
    invoked = run_fnplan(
        "invoke", "function.fetch", "--input", event, "--execution-id", "inv-1", cwd=project.root
    )
    assert json.loads(invoked.stdout)["bytes"] > 0
    assert "fetch.fetch: succeeded" in invoked.stderr
    assert project.calls()[-1] == "fetch"

    listed = run_fnplan("runs", "function.fetch", cwd=project.root)
    assert "inv-1" in listed.stdout and "succeeded" in listed.stdout
    logs = run_fnplan("logs", "function.fetch", "--execution", "inv-1", cwd=project.root)
    assert " fetch attempt 1 succeeded " in logs.stdout

    # `run function.X` is the same invocation, not "not deployed"
    ran = run_fnplan("run", "function.fetch", "--input", event, "--json", cwd=project.root)
    report = json.loads(ran.stdout)
    assert report["status"] == "succeeded" and report["output"]["bytes"] > 0


def test_invoke_a_given_version_and_its_errors(project: Project) -> None:
    versions_file = project.root / ".fnplan" / "local" / "functions" / "function.resize"
    versions = [
        v["hash"] for v in json.loads((versions_file / "versions.json").read_text())["versions"]
    ]
    bad_event = run_fnplan(
        "invoke", "resize", "--version", versions[0], "--input", "{}", cwd=project.root, check=None
    )
    assert_clean_error(bad_event, "failed at step 'resize'", "InputValidation")
    unknown = run_fnplan(
        "invoke", "function.resize", "--version", "abc", cwd=project.root, check=None
    )
    assert_clean_error(unknown, "has no deployed version abc", versions[0])
    missing = run_fnplan("invoke", "function.rezise", cwd=project.root, check=None)
    assert_clean_error(missing, "function.rezise is not deployed", "did you mean 'function.resize'")


def test_runs_shows_caught_failures(project: Project) -> None:
    run_fnplan(
        "run", "catalog", "--input", project.input, "--execution-id", "caught-1", cwd=project.root
    )
    listed = run_fnplan("runs", "catalog", cwd=project.root)
    assert "succeeded, 1 caught" in listed.stdout
    as_json = json.loads(run_fnplan("runs", "catalog", "--json", cwd=project.root).stdout)
    assert as_json[0]["caught"] == 1 and as_json[0]["status"] == "succeeded"


def test_a_run_whose_process_is_gone_is_listed_as_abandoned(project: Project) -> None:
    run_fnplan(
        "run", "thumbnail", "--input", project.input, "--execution-id", "whole", cwd=project.root
    )
    runs = project.root / ".fnplan" / "runs" / "thumbnail"
    first = (runs / "whole.jsonl").read_text().splitlines()[0]
    # what a killed `serve` leaves: the first record, no final one, and no live writer
    (runs / "cut-1.jsonl").write_text(first.replace('"whole"', '"cut-1"') + "\n")
    listed = run_fnplan("runs", "thumbnail", "--json", cwd=project.root)
    [cut] = [run for run in json.loads(listed.stdout) if run["execution_id"] == "cut-1"]
    assert cut["status"] == "abandoned"
    assert cut["error"]["type"] == "Abandoned"
    assert "ended before the run finished" in cut["error"]["message"]
    follow = run_fnplan("logs", "thumbnail", "--execution", "cut-1", "--follow", cwd=project.root)
    assert "run failed" in follow.stdout.splitlines()[-1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 65 + "]" * 65, "--input: nested deeper than 64 arrays/objects"),
        ("[" * 60_000 + "]" * 60_000, "--input: nested deeper than 64 arrays/objects"),
        ('{"url": 1e999}', "--input: not valid JSON: 1e999 is not a finite number"),
        ('{"url": NaN}', "--input: not valid JSON: NaN is not a JSON number"),
    ],
)
def test_run_input_beyond_the_limits_is_a_one_line_error(
    project: Project, text: str, message: str
) -> None:
    for command in ("run", "invoke"):
        target = "thumbnail" if command == "run" else "function.fetch"
        result = run_fnplan(command, target, "--input", text, cwd=project.root, check=None)
        assert_clean_error(result, message)
        assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
