"""A small project for the lifecycle, moved and deposed tests: a runtime, a function, an
event and a workflow calling the function; blocks get extra lines where a test needs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.conftest import run_fnplan


def write_project(root: Path, *, function: str = "", event: str = "", extra: str = "") -> Path:
    """The project at `root`; `function`/`event` are lines added to those blocks."""
    code = root / "functions" / "f"
    code.mkdir(parents=True, exist_ok=True)
    (code / "main.py").write_text("def handler(event, context):\n    return event\n")
    (root / "main.hcl").write_text(
        f"""runtime "python" {{
  language = "python3.12"
}}

function "f" {{
  runtime = runtime.python
  source  = "./functions/f"
  env     = {{ MODE = "a" }}
{function}
}}

event "uploaded" {{
  type   = "test.uploaded"
  source = "a"
{event}
}}

workflow "w" {{
  step "one" {{
    function = function.f
  }}
}}
{extra}
"""
    )
    return root


def plan_json(project: Path, *args: str) -> dict[str, Any]:
    """`fnplan plan --json` of `project`, parsed."""
    result = run_fnplan("plan", "--json", *args, cwd=project)
    plan: dict[str, Any] = json.loads(result.stdout)
    return plan


def actions(plan: dict[str, Any]) -> dict[str, str]:
    """Address -> action of every change that is not a no-op."""
    return {c["address"]: c["action"] for c in plan["changes"] if c["action"] != "noop"}


def state_of(project: Path) -> dict[str, Any]:
    """The project's state file, parsed."""
    state: dict[str, Any] = json.loads((project / ".fnplan" / "state.json").read_text())
    return state
