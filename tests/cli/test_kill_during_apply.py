"""kill -9 in the middle of an apply loses no resource that was already applied."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.apply_process import ApplyProcess, many_functions
from tests.cli.conftest import Runner

FUNCTIONS = 150


def _done_addresses(journal: Path) -> set[str]:
    done = set()
    for line in journal.read_text().splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line
        if record.get("kind") == "done":
            done.add(record["address"])
    return done


def test_kill_9_during_apply_keeps_applied_resources(fnplan: Runner, tmp_path: Path) -> None:
    project = many_functions(tmp_path, FUNCTIONS)
    journal = project / ".fnplan" / "state.json.journal"
    apply = ApplyProcess(project, "--parallelism", "2")
    try:
        reported = apply.wait_for_done(20)  # each is journaled before it is reported
    finally:
        apply.kill()  # SIGKILL
    applied = _done_addresses(journal)
    assert set(reported) <= applied
    assert len(applied) < FUNCTIONS + 1, "the kill should land mid-apply"

    plan = json.loads(fnplan("plan", "--json", cwd=project, check=None).stdout)
    creates = {c["address"] for c in plan["changes"] if c["action"] == "create"}
    others = {
        c["address"]: c["action"] for c in plan["changes"] if c["action"] not in ("create", "noop")
    }
    # an in-flight create the kill cut short may have left a half-written object behind:
    # observed as damaged, it is planned as an update that repairs it
    assert set(others.values()) <= {"update"} and not set(others) & applied, others
    assert not creates & applied, "an applied resource would be created again"
    noops = {c["address"] for c in plan["changes"] if c["action"] == "noop"}
    assert applied <= noops, "every applied resource is recorded and unchanged"
    assert len((noops | set(others)) - applied) <= 2, (
        "only the (at most 2) in-flight ones were settled by observing"
    )
    assert len(creates | noops | set(others)) == FUNCTIONS + 1

    fnplan("apply", "--auto-approve", cwd=project)
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)
    state = json.loads((project / ".fnplan" / "state.json").read_text())
    assert len(state["resources"]) == FUNCTIONS + 1
