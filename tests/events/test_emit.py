"""`fnplan emit`: event triggers start their targets, completion triggers follow, data checked."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from tests.cli.conftest import assert_clean_error, run_fnplan


def _audit(project: Path) -> list[dict]:
    path = project / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_emit_starts_the_workflow_and_its_completion_trigger(project: Path) -> None:
    before = len(_audit(project))
    data = json.dumps({"id": "o-1", "qty": 3})
    result = run_fnplan("emit", "com.example.order.placed", "--data", data, "--json", cwd=project)
    document = json.loads(result.stdout)
    assert document["event"]["type"] == "com.example.order.placed"
    assert document["event"]["source"] == "fnplan://cli"
    assert document["event"]["id"] and document["event"]["time"].endswith("Z")
    run, completion = document["results"]
    assert (run["trigger"], run["target"], run["status"]) == (
        "trigger.on_order",
        "workflow.process",
        "succeeded",
    )
    assert run["output"] == {"order": "o-1", "qty": 3}
    log = [json.loads(line) for line in Path(run["log_path"]).read_text().splitlines()]
    assert log[0]["event"] == "run_started" and log[0]["input"] == {"order": "o-1", "qty": 3}
    assert log[-1]["execution_id"] == run["execution_id"]
    listed = run_fnplan("runs", "workflow.process", "--json", cwd=project).stdout
    assert run["execution_id"] in [execution["execution_id"] for execution in json.loads(listed)]
    assert (completion["trigger"], completion["target"], completion["depth"]) == (
        "trigger.after",
        "function.audit",
        1,
    )
    audited = _audit(project)[before:]
    assert audited == [
        {
            "status": "succeeded",
            "output": {"order": "o-1", "qty": 3},
            "execution_id": run["execution_id"],
            "error": None,
        }
    ]


def test_emit_reads_data_from_a_file_and_prints_each_result(project: Path, tmp_path: Path) -> None:
    (tmp_path / "order.json").write_text('{"id": "o-2", "qty": 1}')
    result = run_fnplan(
        "emit", "com.example.order.placed", "--data", f"@{tmp_path / 'order.json'}", cwd=project
    )
    assert "fired 1 trigger(s)" in result.stdout
    assert "trigger.on_order -> workflow.process: succeeded" in result.stdout
    assert '{"order": "o-2", "qty": 1}' in result.stdout
    assert "  trigger.after -> function.audit: succeeded" in result.stdout


def test_no_matching_trigger_is_a_notice(project: Path) -> None:
    result = run_fnplan("emit", "com.example.unknown", "--data", "{}", cwd=project)
    assert result.stdout == ""
    assert "no trigger listens for events of type 'com.example.unknown'" in result.stderr
    assert "com.example.order.placed" in result.stderr


def test_no_deployment_suggests_apply(tmp_path: Path) -> None:
    result = run_fnplan("emit", "com.example.ping", cwd=tmp_path)
    assert "run `fnplan apply` first" in result.stderr


def test_schema_violation_of_event_data_fails_clearly(project: Path) -> None:
    before = len(_audit(project))
    result = run_fnplan(
        "emit",
        "com.example.order.placed",
        "--data",
        '{"id": "o-3", "qty": 0}',
        cwd=project,
        check=None,
    )
    assert_clean_error(
        result,
        "the data of event 'com.example.order.placed' does not match its schema",
        "(at /qty)",
        "event.order_placed",
    )
    assert len(_audit(project)) == before


def test_bad_data_json_and_missing_file_fail_clearly(project: Path, tmp_path: Path) -> None:
    result = run_fnplan("emit", "com.example.ping", "--data", "{oops", cwd=project, check=None)
    assert_clean_error(result, "--data is not valid JSON")
    missing = tmp_path / "missing.json"
    result = run_fnplan(
        "emit", "com.example.ping", "--data", f"@{missing}", cwd=project, check=None
    )
    assert_clean_error(result, f"cannot read --data file {missing}")


def test_completion_loop_stops_at_depth_eight(project: Path) -> None:
    result = run_fnplan("emit", "com.example.ping", "--data", '"hi"', "--json", cwd=project)
    results = json.loads(result.stdout)["results"]
    assert [r["depth"] for r in results] == list(range(9))
    assert all(r["target"] == "function.loopy" and r["status"] == "succeeded" for r in results)
    assert results[0]["output"] == {"seen": "hi"}
    for previous, current in itertools.pairwise(results):
        assert current["output"] == {"seen": {"previous": previous["execution_id"]}}
    assert "completion chain stopped after 8 levels" in result.stderr
    assert "trigger.again did not fire" in result.stderr


def test_failed_target_exits_1(project: Path, tmp_path: Path) -> None:
    # The workflow's deployment is gone: the trigger reports TargetNotDeployed, completion
    # triggers still learn that the run failed.
    workflows = project / ".fnplan" / "local" / "workflows"
    moved = tmp_path / "workflows"
    workflows.rename(moved)
    try:
        result = run_fnplan(
            "emit",
            "com.example.order.placed",
            "--data",
            '{"id": "o-4", "qty": 1}',
            cwd=project,
            check=1,
        )
    finally:
        moved.rename(workflows)
    assert "trigger.on_order -> workflow.process: failed" in result.stdout
    assert "TargetNotDeployed" in result.stdout
    assert "  trigger.after -> function.audit: succeeded" in result.stdout
    assert _audit(project)[-1]["status"] == "failed"
    assert _audit(project)[-1]["error"]["type"] == "TargetNotDeployed"
    assert "Traceback" not in result.stdout + result.stderr
