"""`fnplan import ADDRESS ID` adopts an object the state does not record (here: objects a
lost state created on the local provider); the next plan shows what differs, then nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_clean_error, run_fnplan
from tests.plan.adoption import orphaned_project


@pytest.fixture
def fnplan() -> Runner:
    return run_fnplan


@pytest.fixture
def orphaned(tmp_path: Path) -> Path:
    return orphaned_project(tmp_path)


def test_import_records_the_object_and_plans_only_what_differs(
    fnplan: Runner, orphaned: Path
) -> None:
    result = fnplan("import", "function.hello", "function.hello", cwd=orphaned)
    assert "Imported function.hello as function.hello" in result.stdout
    shown = json.loads(fnplan("state", "show", "function.hello", cwd=orphaned).stdout)
    assert shown["outputs"]["version_number"] == 1
    assert shown["attributes"]["env"] == {"GREETING": "hi"}
    for address in ("workflow.greet", "event.ping", "trigger.on_ping"):
        fnplan("import", address, address, cwd=orphaned)
    plan = json.loads(fnplan("plan", "--json", cwd=orphaned).stdout)
    actions = {c["address"]: c["action"] for c in plan["changes"]}
    assert actions["runtime.python"] == "create"  # nothing stored: it is the interpreter
    # where the code came from is not stored, so the function's record gains it back
    assert actions["function.hello"] == "update"
    assert actions["workflow.greet"] == actions["event.ping"] == "noop"
    fnplan("apply", "--auto-approve", cwd=orphaned)
    assert fnplan("plan", "--detailed-exitcode", cwd=orphaned, check=None).returncode == 0
    versions = orphaned / ".fnplan" / "local" / "functions" / "function.hello" / "versions.json"
    assert [v["number"] for v in json.loads(versions.read_text())["versions"]] == [1]


def test_import_errors_are_clean(fnplan: Runner, orphaned: Path) -> None:
    assert_clean_error(
        fnplan("import", "function.helo", "function.hello", cwd=orphaned, check=None),
        "cannot import to function.helo: no such resource in the configuration",
        "function.hello",
    )
    assert_clean_error(
        fnplan("import", "function.hello", "function.other", cwd=orphaned, check=None),
        "cannot import 'function.other' as function.hello",
        "stores objects under their address",
    )
    fnplan("import", "function.hello", "function.hello", cwd=orphaned)
    assert_clean_error(
        fnplan("import", "function.hello", "function.hello", cwd=orphaned, check=None),
        "function.hello: it is already in the state",
        "fnplan state rm function.hello",
    )
    shutil.rmtree(orphaned / ".fnplan" / "local" / "workflows" / "workflow.greet")
    assert_clean_error(
        fnplan("import", "workflow.greet", "workflow.greet", cwd=orphaned, check=None),
        "cannot import 'workflow.greet' as workflow.greet",
        "no workflow is stored under the ID 'workflow.greet'",
    )
