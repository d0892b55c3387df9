"""The local provider creates only what this state owns: an object stored at an address by
another state (or by a state that was lost) is refused with how to import it, while an
object this state began creating is adopted (the kill -9 recovery path)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_clean_error, run_fnplan

CONFIG = """
runtime "python" {
  language = "python3.12"
}

function "hello" {
  runtime = runtime.python
  source  = "./functions/hello"
  env     = { GREETING = "hi" }
}

workflow "greet" {
  step "hello" {
    function = function.hello
  }
}

event "ping" {
  type = "example.ping"
}

trigger "on_ping" {
  event  = event.ping
  target = workflow.greet
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    code = tmp_path / "functions" / "hello"
    code.mkdir(parents=True)
    (code / "main.py").write_text("def handler(event, context):\n    return {'hi': event}\n")
    (tmp_path / "main.hcl").write_text(CONFIG)
    return tmp_path


@pytest.fixture
def fnplan() -> Runner:
    return run_fnplan


def _lose_state(project: Path) -> None:
    """The state is gone (deleted by mistake): the deployed objects stay."""
    (project / ".fnplan" / "state.json").unlink()
    for backup in (project / ".fnplan").glob("state.json.*"):
        backup.unlink()


def test_create_refuses_an_object_another_state_created(fnplan: Runner, project: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=project)
    _lose_state(project)
    result = fnplan("apply", "--auto-approve", cwd=project, check=None)
    assert_clean_error(
        result,
        "function.hello already exists (not created by this configuration)",
        "fnplan import function.hello function.hello",
    )
    output = result.stdout + result.stderr
    assert "fnplan import event.ping event.ping" in output
    assert "workflow.greet: skipped (function.hello failed)" in output
    # nothing foreign was touched: the function still has only its one version
    versions = project / ".fnplan" / "local" / "functions" / "function.hello" / "versions.json"
    assert [v["number"] for v in json.loads(versions.read_text())["versions"]] == [1]


def test_state_rm_then_apply_adopts_what_this_state_created(fnplan: Runner, project: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=project)
    fnplan("state", "rm", "function.hello", "trigger.on_ping", cwd=project)
    fnplan("apply", "--auto-approve", cwd=project)
    assert fnplan("plan", "--detailed-exitcode", cwd=project, check=None).returncode == 0


def test_destroy_leaves_no_markers_behind(fnplan: Runner, project: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=project)
    owners = project / ".fnplan" / "local" / "owners"
    assert sorted(p.stem for p in owners.iterdir()) == [
        "event.ping",
        "function.hello",
        "trigger.on_ping",
        "workflow.greet",
    ]
    fnplan("destroy", "--auto-approve", cwd=project)
    assert not (project / ".fnplan" / "local").exists()
