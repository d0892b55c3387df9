"""Switching the quickstart's thumbnail workflow from shared to dedicated and back, via the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import run_fnplan
from tests.workflows_e2e.conftest import run_json

COPIES = [
    "workflow.thumbnail.function.fetch",
    "workflow.thumbnail.function.report_failure",
    "workflow.thumbnail.function.resize",
]


def _plan(root: Path) -> dict:
    return json.loads(run_fnplan("plan", "--json", cwd=root).stdout)


def _actions(plan: dict) -> dict[str, str]:
    return {c["address"]: c["action"] for c in plan["changes"] if c["action"] != "noop"}


def _called(plan: dict) -> list[str]:
    change = next(c for c in plan["changes"] if c["address"] == "workflow.thumbnail")
    steps = change["resource"]["attributes"]["document"]["steps"]
    return sorted(s["function"]["address"] for s in steps if s.get("function"))


def _apply_order(root: Path) -> list[str]:
    """Apply; the addresses in the order their changes finished."""
    lines = run_fnplan("apply", "--auto-approve", "--json", cwd=root).stdout.splitlines()
    events = [json.loads(line) for line in lines]
    return [e["address"] for e in events if e["type"] == "event" and e["phase"] == "done"]


def _set_isolation(root: Path, before: str, after: str) -> None:
    hcl = root / "main.hcl"
    text = hcl.read_text()
    old = f'workflow "thumbnail" {{\n  isolation = "{before}"'
    assert old in text
    hcl.write_text(text.replace(old, f'workflow "thumbnail" {{\n  isolation = "{after}"'))


def _run_succeeds(root: Path) -> None:
    report = run_json(root, "thumbnail", {"url": "data/sample.txt"})
    assert report["status"] == "succeeded" and report["output"]["bytes"] > 0


def test_shared_to_dedicated_and_back(quickstart: Path) -> None:
    run_fnplan("apply", "--auto-approve", cwd=quickstart)
    _run_succeeds(quickstart)

    _set_isolation(quickstart, "shared", "dedicated")
    plan = _plan(quickstart)
    assert _actions(plan) == {"workflow.thumbnail": "update", **dict.fromkeys(COPIES, "create")}
    assert _called(plan) == COPIES, "the workflow is rewired to its own copies"
    order = _apply_order(quickstart)
    assert order[-1] == "workflow.thumbnail", "copies are created before the workflow is rewired"
    assert sorted(order[:-1]) == COPIES
    _run_succeeds(quickstart)
    run_fnplan("plan", "--detailed-exitcode", cwd=quickstart, check=0)

    _set_isolation(quickstart, "dedicated", "shared")
    plan = _plan(quickstart)
    assert _actions(plan) == {"workflow.thumbnail": "update", **dict.fromkeys(COPIES, "delete")}
    assert _called(plan) == ["function.fetch", "function.report_failure", "function.resize"]
    order = _apply_order(quickstart)
    assert order[0] == "workflow.thumbnail", "the workflow is rewired before the copies go"
    assert sorted(order[1:]) == COPIES
    _run_succeeds(quickstart)
    run_fnplan("plan", "--detailed-exitcode", cwd=quickstart, check=0)
    state = json.loads(run_fnplan("state", "pull", cwd=quickstart).stdout)
    addresses = (
        state["resources"]
        if isinstance(state["resources"], dict)
        else {r["address"] for r in state["resources"]}
    )
    assert not set(COPIES) & set(addresses), "the copies are gone from the state"
