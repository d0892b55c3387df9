"""The engine acceptance path on examples/quickstart: apply, no-op, code change, revert, destroy."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Runner


def _plan_json(fnplan: Runner, project: Path) -> dict:
    return json.loads(fnplan("plan", "--json", cwd=project, check=None).stdout)


def _actions(plan: dict) -> dict[str, str]:
    return {c["address"]: c["action"] for c in plan["changes"] if c["action"] != "noop"}


def test_apply_then_no_changes(fnplan: Runner, quickstart: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    result = fnplan("plan", "--detailed-exitcode", cwd=quickstart, check=0)
    assert "No changes" in result.stdout


def test_code_change_publishes_one_version_and_rewires_workflows(
    fnplan: Runner, quickstart: Path
) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    code = quickstart / "functions" / "resize" / "main.py"
    original = code.read_text()
    code.write_text(original + "\n# a harmless change\n")

    plan = _plan_json(fnplan, quickstart)
    actions = _actions(plan)
    workflows_using_resize = {
        c["address"]
        for c in plan["changes"]
        if c["type"] == "workflow"
        and any(
            s.get("function", {}) and s["function"]["address"] == "function.resize"
            for s in (c["before"] or {}).get("document", {}).get("steps", [])
        )
    }
    assert actions == {
        "function.resize": "update",
        **dict.fromkeys(workflows_using_resize, "update"),
    }
    assert workflows_using_resize, "the quickstart's workflow should call function.resize"
    resize = next(c for c in plan["changes"] if c["address"] == "function.resize")
    assert any("code changed" in reason for reason in resize["reasons"])
    text = fnplan("plan", cwd=quickstart).stdout
    assert f"Plan: 0 to add, {len(actions)} to change, 0 to destroy." in text

    code.write_text(original)
    fnplan("plan", "--detailed-exitcode", cwd=quickstart, check=0)


def test_revert_after_apply_returns_to_no_changes(fnplan: Runner, quickstart: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    code = quickstart / "functions" / "resize" / "main.py"
    original = code.read_text()
    code.write_text(original + "\n# v2\n")
    fnplan("apply", "--auto-approve", cwd=quickstart)
    code.write_text(original)
    fnplan("apply", "--auto-approve", cwd=quickstart)
    fnplan("plan", "--detailed-exitcode", cwd=quickstart, check=0)


def test_destroy_leaves_only_the_state(fnplan: Runner, quickstart: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    fnplan("destroy", "--auto-approve", cwd=quickstart)
    state = json.loads((quickstart / ".fnplan" / "state.json").read_text())
    assert state["resources"] == [] or state["resources"] == {}
    left = sorted(
        p.relative_to(quickstart / ".fnplan").as_posix()
        for p in (quickstart / ".fnplan").rglob("*")
    )
    assert set(left) <= {"state.json", "state.json.backup"}, left


def test_plan_without_terminal_and_approval_is_refused(fnplan: Runner, quickstart: Path) -> None:
    result = fnplan("apply", cwd=quickstart, check=1)
    assert "--auto-approve" in result.stderr
    assert "Traceback" not in result.stderr
