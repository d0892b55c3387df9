"""Adding targets to a deployed workflow: nothing else churns, and `moved` blocks carry the
first copy over without destroying it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Runner
from tests.cli.test_targets import HANDLER, MAIN

ONE_TARGET = MAIN.replace(
    "targets = [provider.local.a, provider.local.b]", "target = provider.local.a"
)
MOVED = """
moved {
  from = workflow.checkout
  to   = workflow.checkout[provider.local.a]
}

moved {
  from = function.greet
  to   = function.greet[provider.local.a]
}
"""


def _actions(fnplan: Runner, project: Path) -> dict[str, str]:
    plan = json.loads(fnplan("plan", "--json", cwd=project).stdout)
    return {c["address"]: c["action"] for c in plan["changes"] if c["action"] != "noop"}


def test_a_second_target_with_moved_blocks_keeps_the_first_copy(
    fnplan: Runner, tmp_path: Path
) -> None:
    (tmp_path / "main.hcl").write_text(ONE_TARGET)
    code = tmp_path / "functions" / "greet"
    code.mkdir(parents=True)
    (code / "main.py").write_text(HANDLER)
    fnplan("apply", "--auto-approve", cwd=tmp_path)
    listed = fnplan("state", "list", cwd=tmp_path).stdout.split()
    assert listed == ["function.greet", "runtime.python", "workflow.audit", "workflow.checkout"]

    (tmp_path / "main.hcl").write_text(MAIN + MOVED)
    text = fnplan("plan", cwd=tmp_path).stdout
    assert "workflow.checkout has moved to workflow.checkout[local.a]" in text
    assert _actions(fnplan, tmp_path) == {
        "runtime.python[local.b]": "create",
        "function.greet[local.b]": "create",
        "workflow.checkout[local.b]": "create",
        # their documents now call function.greet[local.a] (and name their new address)
        "workflow.checkout[local.a]": "update",
        "workflow.audit": "update",
    }
    fnplan("apply", "--auto-approve", cwd=tmp_path)
    for target in ("local.a", "local.b"):
        address = f"workflow.checkout[{target}]"
        ran = fnplan("run", address, "--input", '{"name": "x"}', cwd=tmp_path).stdout
        assert Path(json.loads(ran)["code"]).is_relative_to(tmp_path / ".fnplan" / target)
    fnplan("plan", "--detailed-exitcode", cwd=tmp_path, check=0)
