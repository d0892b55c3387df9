"""A version identifies content: comments, formatting and positions change no version and
make no plan; a stored version whose code no longer hashes to its `source_hash` is drift."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli.conftest import Runner


def test_a_comment_and_reformatting_make_no_plan(fnplan: Runner, quickstart: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    main = quickstart / "main.hcl"
    text = main.read_text()
    # a comment line on top moves every block one line down
    text = "# reviewed by the platform team\n" + text
    # reformat: re-indent attributes and drop the alignment of `=` signs
    text = re.sub(r"(?m)^  (\w+) +=", r"    \1 =", text)
    main.write_text(text)
    result = fnplan("plan", "--detailed-exitcode", cwd=quickstart, check=None)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes" in result.stdout


def _deployed_version_dir(project: Path, address: str) -> Path:
    state = json.loads((project / ".fnplan" / "state.json").read_text())
    outputs = state["resources"][address]["outputs"]
    return Path(outputs["code"]).parent


def test_a_tampered_snapshot_is_drift(fnplan: Runner, quickstart: Path) -> None:
    fnplan("apply", "--auto-approve", cwd=quickstart)
    code = _deployed_version_dir(quickstart, "function.resize") / "code" / "main.py"
    code.write_text(code.read_text() + "\n# edited behind fnplan's back\n")
    result = fnplan("plan", "--detailed-exitcode", cwd=quickstart, check=2)
    assert "function.resize" in result.stdout
    plan = json.loads(fnplan("plan", "--json", cwd=quickstart).stdout)
    drifted = {c["address"] for c in plan["changes"] if c["drift"]}
    assert drifted == {"function.resize"}
    # applying republishes the version intact; then nothing is left to do
    fnplan("apply", "--auto-approve", cwd=quickstart)
    assert "edited behind" not in code.read_text()
    fnplan("plan", "--detailed-exitcode", cwd=quickstart, check=0)
