"""Helpers for projects written into tmp_path, applied and run through the real `fnplan` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.conftest import run_fnplan

HEADER = """fnplan {
  backend "local" {
    path = ".fnplan/state.json"
  }
}

runtime "python" {
  language = "python3.12"
  timeout  = 30
}
"""


def write_functions(root: Path, functions: dict[str, str]) -> None:
    """Write each function's code as <root>/functions/<name>/main.py."""
    for name, code in functions.items():
        (root / "functions" / name).mkdir(parents=True, exist_ok=True)
        (root / "functions" / name / "main.py").write_text(code)


def function_block(name: str, extra: str = "") -> str:
    """An HCL function block for functions/<name> on runtime.python."""
    return (
        f'function "{name}" {{\n  runtime = runtime.python\n  source  = "./functions/{name}"\n'
        f"{extra}}}\n"
    )


def run_json(root: Path, workflow: str, payload: Any, *extra: str, check: int = 0) -> dict:
    """`fnplan run WORKFLOW --json`; the report {execution_id, status, output, ...}."""
    result = run_fnplan(
        "run", workflow, "--input", json.dumps(payload), "--json", *extra, cwd=root, check=check
    )
    report: dict = json.loads(result.stdout)
    return report


def records(report: dict) -> list[dict]:
    """The records of a run's log file."""
    lines = Path(report["log_path"]).read_text().splitlines()
    return [json.loads(line) for line in lines]


def step_events(report: dict) -> dict[str, list[str]]:
    """Events of each step of a run, in log order."""
    found: dict[str, list[str]] = {}
    for record in records(report):
        if record["step"]:
            found.setdefault(record["step"], []).append(record["event"])
    return found
