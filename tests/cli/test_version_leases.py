"""A version that a running execution uses is not pruned until that execution ends."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.cli.conftest import Runner, user_environment

#: the first step says it started, then waits (up to a minute) for the test's go-ahead
GATE_SCRIPT = (
    'touch "$GATE/started"; i=0; '
    'while [ ! -e "$GATE/go" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done'
)
CONFIG = """
runtime "python" {
  language = "python3.12"
}

function "f" {
  runtime       = runtime.python
  source        = "./functions/f"
  keep_versions = 1
}

workflow "w" {
  step "gate" {
    shell {
      script = SCRIPT
      env = {
        GATE = "${path.module}/gate"
      }
    }
  }

  step "b" {
    function   = function.f
    depends_on = [step.gate]
  }

  output = step.b.output
}
""".replace("SCRIPT", json.dumps(GATE_SCRIPT))


def _code(project: Path, answer: str) -> None:
    code = project / "functions" / "f"
    code.mkdir(parents=True, exist_ok=True)
    (code / "main.py").write_text(f"def handler(event, context):\n    return {answer!r}\n")


def _wait_for(path: Path, run: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert run.poll() is None, run.communicate()
        assert time.monotonic() < deadline, f"{path} did not appear"
        time.sleep(0.01)


def _versions(project: Path) -> list[str]:
    directory = project / ".fnplan" / "local" / "functions" / "function.f"
    return sorted(p.name for p in directory.iterdir() if (p / "manifest.json").exists())


def test_an_apply_during_a_run_keeps_the_version_the_run_needs(
    fnplan: Runner, tmp_path: Path
) -> None:
    project = tmp_path
    (project / "main.hcl").write_text(CONFIG)
    (project / "gate").mkdir()
    _code(project, "first")
    fnplan("apply", "--auto-approve", cwd=project)
    (first,) = _versions(project)

    run = subprocess.Popen(
        [sys.executable, "-m", "fnplan", "run", "w", "--input", "{}"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=user_environment(),
    )
    try:
        _wait_for(project / "gate" / "started", run)
        _code(project, "second")
        fnplan("apply", "--auto-approve", cwd=project)  # keep_versions = 1 would prune `first`
        assert first in _versions(project), "the running execution's version was pruned"
        (project / "gate" / "go").touch()
        stdout, stderr = run.communicate(timeout=60)
    finally:
        run.kill()
    assert run.returncode == 0, stdout + stderr
    assert "first" in stdout
    assert not (project / ".fnplan" / "local" / "leases").exists(), "the lease ends with the run"

    _code(project, "third")
    fnplan("apply", "--auto-approve", cwd=project)
    assert first not in _versions(project), "once the run ended, pruning goes on"
    assert len(_versions(project)) == 1
