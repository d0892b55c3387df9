"""try() makes an optional run input field work (instead of failing the run with "no attribute
'name'"), and urlencode() encodes run-time values for URLs."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Runner

_PROJECT = """
runtime "python" {
  language = "python3.12"
}

function "echo" {
  runtime = runtime.python
  source  = "./fn"
}

workflow "greet" {
  step "echo" {
    function = function.echo
    input = {
      name  = try(input.name, "anonymous")
      query = "q=${urlencode(try(input.q, "a b&c"))}"
      known = can(input.name)
    }
  }
  output = step.echo.output
}
"""


def test_try_supplies_a_default_for_an_optional_input_field(fnplan: Runner, tmp_path: Path) -> None:
    (tmp_path / "fn").mkdir()
    (tmp_path / "fn" / "main.py").write_text("def handler(event, context):\n    return event\n")
    (tmp_path / "main.hcl").write_text(_PROJECT)
    fnplan("apply", "--auto-approve", cwd=tmp_path)
    without = fnplan("run", "greet", "--input", "{}", "--json", cwd=tmp_path).stdout
    assert json.loads(without)["output"] == {
        "name": "anonymous",
        "query": "q=a+b%26c",
        "known": False,
    }
    given = fnplan(
        "run", "greet", "--input", '{"name": "Ada", "q": "x/y"}', "--json", cwd=tmp_path
    ).stdout
    assert json.loads(given)["output"] == {"name": "Ada", "query": "q=x%2Fy", "known": True}
