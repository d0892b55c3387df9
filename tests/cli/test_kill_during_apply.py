"""kill -9 in the middle of an apply loses no resource that was already applied."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import Runner

FUNCTIONS = 150


def _many_functions(root: Path) -> Path:
    parts = ['runtime "python" {\n  language = "python3.12"\n}\n']
    for i in range(FUNCTIONS):
        code = root / "functions" / f"f{i}"
        code.mkdir(parents=True)
        (code / "main.py").write_text(f"def handler(event, context):\n    return {i}\n")
        parts.append(
            f'function "f{i}" {{\n  runtime = runtime.python\n  source  = "./functions/f{i}"\n}}\n'
        )
    (root / "main.hcl").write_text("\n".join(parts))
    return root


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
    project = _many_functions(tmp_path)
    journal = project / ".fnplan" / "state.json.journal"
    apply = subprocess.Popen(
        [sys.executable, "-m", "fnplan", "apply", "--auto-approve", "--parallelism", "2"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if journal.exists() and len(_done_addresses(journal)) >= 20:
            break
        assert apply.poll() is None, "apply finished before it could be interrupted"
        time.sleep(0.002)
    os.kill(apply.pid, signal.SIGKILL)
    apply.wait()
    applied = _done_addresses(journal)
    assert 20 <= len(applied) < FUNCTIONS + 1, "the kill should land mid-apply"

    plan = json.loads(fnplan("plan", "--json", cwd=project, check=None).stdout)
    creates = {c["address"] for c in plan["changes"] if c["action"] == "create"}
    others = {
        c["address"]: c["action"] for c in plan["changes"] if c["action"] not in ("create", "noop")
    }
    assert not others, others
    assert not creates & applied, "an applied resource would be created again"
    noops = {c["address"] for c in plan["changes"] if c["action"] == "noop"}
    assert applied <= noops, "every applied resource is recorded and unchanged"
    assert len(noops - applied) <= 2, (
        "only the (at most 2) in-flight ones were settled by observing"
    )
    assert len(creates | noops) == FUNCTIONS + 1

    fnplan("apply", "--auto-approve", cwd=project)
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)
    state = json.loads((project / ".fnplan" / "state.json").read_text())
    assert len(state["resources"]) == FUNCTIONS + 1
