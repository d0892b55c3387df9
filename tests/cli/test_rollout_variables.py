"""Commands that open the deploying provider read the provider blocks, so runs, logs and
rollout take --var/--var-file (or FNPLAN_VAR_*) like run, for required variables."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.cli.conftest import Runner, assert_clean_error
from tests.conftest import EXAMPLES

REQUIRED = """
variable "greeting" {
  type = string
}
"""


def test_runs_logs_and_rollout_take_variables(tmp_path: Path, fnplan: Runner) -> None:
    root = tmp_path / "minimal"
    shutil.copytree(EXAMPLES / "minimal", root, ignore=shutil.ignore_patterns(".fnplan"))
    main = root / "main.hcl"
    main.write_text(main.read_text() + REQUIRED)
    given = ("--var", "greeting=hi")
    fnplan("apply", "--auto-approve", *given, cwd=root)
    fnplan("run", "hello", "--input", '{"name": "v"}', "--execution-id", "v-1", *given, cwd=root)

    assert "v-1" in fnplan("runs", "hello", *given, cwd=root).stdout
    assert "run_succeeded" in fnplan("logs", "hello", "--json", *given, cwd=root).stdout
    rollout = fnplan("rollout", "status", "function.hello", *given, cwd=root, check=None)
    assert_clean_error(rollout, "provider local cannot manage rollouts")
    environment = {"FNPLAN_VAR_greeting": "hi"}
    assert "v-1" in fnplan("runs", "hello", cwd=root, env=environment).stdout
    missing = fnplan("runs", "hello", cwd=root, check=None)
    assert_clean_error(missing, "greeting")
