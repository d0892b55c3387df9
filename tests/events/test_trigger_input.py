"""A trigger's `input` reads the firing CloudEvent as `event` (docs/events.md)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import run_fnplan

MAIN_HCL = """
provider "local" {}

runtime "python" {
  language = "python3.12"
}

function "echo" {
  runtime = runtime.python
  source  = "./echo"
  handler = "main.handler"
}

event "ping" {
  type = "com.example.ping"
}

trigger "on_ping" {
  event  = event.ping
  target = function.echo
  input  = { n = input.n, id = event.id, source = event.source, type = event.type }
}
"""


def test_trigger_input_reads_the_cloud_event(tmp_path: Path) -> None:
    (tmp_path / "echo").mkdir()
    (tmp_path / "echo" / "main.py").write_text("def handler(event, context):\n    return event\n")
    (tmp_path / "main.hcl").write_text(MAIN_HCL)
    run_fnplan("apply", "--auto-approve", cwd=tmp_path)
    result = run_fnplan(
        "emit", "com.example.ping", "--data", '{"n": 7}', "--source", "fnplan://qa", "--json",
        cwd=tmp_path,
    )  # fmt: skip
    document = json.loads(result.stdout)
    (fired,) = document["results"]
    assert fired["status"] == "succeeded", fired
    assert fired["output"] == {
        "n": 7,
        "id": document["event"]["id"],
        "source": "fnplan://qa",
        "type": "com.example.ping",
    }
