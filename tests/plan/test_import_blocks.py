"""`import { to, id }` blocks: the plan shows the adoption, apply records it, and once the
address is in the state the block changes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_clean_error, run_fnplan
from tests.plan.adoption import orphaned_project

IMPORTS = """
import {
  to = function.hello
  id = "function.hello"
}

import {
  to = workflow.greet
  id = "workflow.greet"
}

import {
  to = event.ping
  id = "event.ping"
}

import {
  to = trigger.on_ping
  id = "trigger.on_ping"
}
"""


@pytest.fixture
def fnplan() -> Runner:
    return run_fnplan


@pytest.fixture
def orphaned(tmp_path: Path) -> Path:
    return orphaned_project(tmp_path)


def test_import_blocks_are_planned_then_adopted(fnplan: Runner, orphaned: Path) -> None:
    (orphaned / "imports.hcl").write_text(IMPORTS)
    shown = fnplan("plan", cwd=orphaned).stdout
    assert "<= workflow.greet will be imported\n" in shown
    assert "# imported from 'workflow.greet'" in shown
    assert "function.hello will be imported, then updated in place" in shown
    assert "Plan: 4 to import, 1 to add, 1 to change, 0 to destroy." in shown
    plan = json.loads(fnplan("plan", "--json", cwd=orphaned).stdout)
    importing = {c["address"]: c["importing"] for c in plan["changes"] if c["importing"]}
    assert importing == {
        a: a for a in ("function.hello", "workflow.greet", "event.ping", "trigger.on_ping")
    }
    assert plan["summary"]["imported"] == 4
    applied = fnplan("apply", "--auto-approve", cwd=orphaned).stdout
    assert "Resources: 4 imported, 1 added, 1 changed, 0 destroyed." in applied
    listed = fnplan("state", "list", cwd=orphaned).stdout.split()
    assert set(importing) <= set(listed)
    again = fnplan("plan", "--detailed-exitcode", cwd=orphaned, check=None)
    assert again.returncode == 0, again.stdout
    versions = orphaned / ".fnplan" / "local" / "functions" / "function.hello" / "versions.json"
    assert [v["number"] for v in json.loads(versions.read_text())["versions"]] == [1]


def test_a_saved_plan_imports_too(fnplan: Runner, orphaned: Path) -> None:
    (orphaned / "imports.hcl").write_text(IMPORTS)
    fnplan("plan", "--out", "adopt.plan", cwd=orphaned)
    fnplan("apply", "adopt.plan", cwd=orphaned)
    assert fnplan("plan", "--detailed-exitcode", cwd=orphaned, check=None).returncode == 0


def test_import_block_mistakes_are_clean_errors(fnplan: Runner, orphaned: Path) -> None:
    (orphaned / "imports.hcl").write_text('import {\n  to = function.helo\n  id = "x"\n}\n')
    assert_clean_error(
        fnplan("validate", cwd=orphaned, check=None),
        "imports.hcl:2:16",
        "unknown function 'helo'",
        "did you mean 'hello'",
    )
    (orphaned / "imports.hcl").write_text("import {\n  to = function.hello\n}\n")
    assert_clean_error(fnplan("validate", cwd=orphaned, check=None), "imports.hcl:1:1", "'id'")
    (orphaned / "imports.hcl").write_text(
        'import {\n  to = workflow.greet\n  id = "workflow.gone"\n}\n'
    )
    assert_clean_error(
        fnplan("plan", cwd=orphaned, check=None),
        "imports.hcl:1:1",
        "cannot import 'workflow.gone' as workflow.greet",
    )
