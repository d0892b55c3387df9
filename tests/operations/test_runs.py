"""fnplan.operations.runs: runs, logs and re-run inputs come from the provider's "run-history"
capability, found through the state (or the configuration once nothing is deployed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fnplan.cli.main import cli
from fnplan.errors import FnplanError
from fnplan.operations import runs
from fnplan.run import RunOptions
from fnplan.workspace import Workspace
from tests.operations.conftest import deployed_minimal
from tests.operations.providers import QuietProvider, register


def _run(workspace: Workspace, execution_id: str, name: str) -> None:
    deployed = runs.deployed(workspace, "workflow.hello", "workflow")
    result = deployed.runner().run_workflow(
        "workflow.hello", {"name": name}, options=RunOptions(execution_id=execution_id)
    )
    assert result.status == "succeeded", result.error


def test_runs_logs_and_inputs_through_the_capability(tmp_path: Path) -> None:
    workspace = deployed_minimal(tmp_path)
    _run(workspace, "first-1", "ada")
    _run(workspace, "second-2", "bob")

    listed = runs.executions(workspace, "workflow.hello", 5)
    assert [(e.execution_id, e.status) for e in listed] == [
        ("second-2", "succeeded"),
        ("first-1", "succeeded"),
    ]
    log = runs.execution_log(workspace, "workflow.hello", "first-1", step="greet")
    records = list(log)
    assert log.execution_id == "first-1" and records
    assert {record.step for record in records} == {"greet"}
    log.check_step()
    assert runs.execution_input(workspace, "workflow.hello", "first-1") == {"name": "ada"}
    assert runs.run_input(workspace, "workflow.hello", None, "first-1") == {"name": "ada"}
    assert runs.run_input(workspace, "workflow.hello", '{"name": "x"}', "first-1") == {"name": "x"}
    assert runs.run_input(workspace, "workflow.hello", None, None) == {}

    latest = runs.execution_log(workspace, "workflow.hello", None, step="gret")
    assert latest.execution_id == "second-2"
    assert list(latest) == []
    with pytest.raises(FnplanError) as typo:
        latest.check_step()
    assert typo.value.message == "--step: no step 'gret' in execution second-2"
    assert typo.value.hint == "did you mean 'greet'?"


def test_history_outlives_the_deployment(tmp_path: Path) -> None:
    """After destroy the state names no provider: the configuration's is asked."""
    workspace = deployed_minimal(tmp_path)
    _run(workspace, "kept-1", "ada")
    destroyed = CliRunner().invoke(
        cli, ["-C", str(workspace.directory), "destroy", "--auto-approve"]
    )
    assert destroyed.exit_code == 0, destroyed.output
    assert [e.execution_id for e in runs.executions(workspace, "workflow.hello", 5)] == ["kept-1"]
    with pytest.raises(FnplanError) as unknown:
        runs.executions(workspace, "workflow.helo", 5)
    assert unknown.value.message == (
        "no runs of workflow.helo are recorded: it is neither deployed nor in the configuration"
    )
    assert unknown.value.hint == "did you mean 'workflow.hello'?"


def test_a_provider_without_run_history_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(monkeypatch, QuietProvider)
    workspace = deployed_minimal(tmp_path, "quiet")
    _run(workspace, "quiet-1", "ada")  # it runs workflows, it just cannot read them back
    with pytest.raises(FnplanError) as caught:
        runs.executions(workspace, "workflow.hello", 5)
    assert caught.value.message == "provider quiet cannot read run history and logs"
    assert "run-history" not in (caught.value.allowed or [])
    logs = CliRunner().invoke(cli, ["-C", str(workspace.directory), "logs", "hello"])
    assert isinstance(logs.exception, FnplanError)
    assert logs.exception.message == "provider quiet cannot read run history and logs"


def test_running_needs_a_deployed_workflow(tmp_path: Path) -> None:
    workspace = deployed_minimal(tmp_path)
    with pytest.raises(FnplanError) as caught:
        runs.deployed(workspace, "workflow.helo", "workflow")
    assert caught.value.message == "workflow.helo is not deployed: the state has no such workflow"
    assert caught.value.allowed == ["workflow.hello"]
    assert runs.workflow_address("hello") == "workflow.hello"
    assert runs.function_address("module.m.function.f") == "module.m.function.f"
