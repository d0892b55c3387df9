"""kill -9 in the middle of a destroy leaves nothing behind once the next destroy completes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import Runner, user_environment

FUNCTIONS = 40
FILES = 60  # per function: each delete takes long enough for the kill to land inside one


def _project(root: Path) -> Path:
    parts = ['runtime "python" {\n  language = "python3.12"\n}\n']
    for i in range(FUNCTIONS):
        code = root / "functions" / f"f{i}"
        (code / "data").mkdir(parents=True)
        (code / "main.py").write_text(f"def handler(event, context):\n    return {i}\n")
        for n in range(FILES):
            (code / "data" / f"{n}.txt").write_text(f"{i}-{n}\n")
        parts.append(
            f'function "f{i}" {{\n  runtime = runtime.python\n  source  = "./functions/f{i}"\n}}\n'
        )
    parts.append('workflow "w" {\n  step "a" {\n    function = function.f0\n  }\n}\n')
    (root / "main.hcl").write_text("\n".join(parts))
    return root


def _deletions(journal: Path) -> tuple[int, int]:
    """(intended, done) delete records in the journal so far."""
    intended = done = 0
    for line in journal.read_text().splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue  # a torn last line
        if record.get("kind") == "intend" and record.get("action") == "delete":
            intended += 1
        elif record.get("kind") == "done" and record.get("result") is None:
            done += 1
    return intended, done


def _deployed_files(project: Path) -> list[Path]:
    local = project / ".fnplan" / "local"
    return sorted(p for p in local.rglob("*") if not p.is_dir()) if local.exists() else []


def test_kill_9_during_destroy_then_destroy_leaves_nothing(fnplan: Runner, tmp_path: Path) -> None:
    project = _project(tmp_path)
    fnplan("apply", "--auto-approve", cwd=project)
    journal = project / ".fnplan" / "state.json.journal"
    destroy = subprocess.Popen(
        [sys.executable, "-m", "fnplan", "destroy", "--auto-approve", "--parallelism", "1"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=user_environment(),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if journal.exists() and _deletions(journal)[1] >= 10:
            break
        assert destroy.poll() is None, "destroy finished before it could be interrupted"
        time.sleep(0.002)
    os.kill(destroy.pid, signal.SIGKILL)
    destroy.wait()
    done = _deletions(journal)[1]
    assert 10 <= done < FUNCTIONS + 2, "the kill should land mid-destroy"

    fnplan("destroy", "--auto-approve", cwd=project)
    assert _deployed_files(project) == []
    functions = project / ".fnplan" / "local" / "functions"
    assert not functions.exists() or list(functions.iterdir()) == []
    state = json.loads((project / ".fnplan" / "state.json").read_text())
    assert state["resources"] == {}
    assert "No changes" in fnplan("plan", "--destroy", cwd=project).stdout
