"""Several targets and events: a trigger follows its target to every provider, so one event
starts the workflow on each target."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Runner
from tests.cli.test_targets import HANDLER, MAIN

EVENTS = """
event "ordered" {
  type = "com.example.ordered"
}

trigger "on_order" {
  event  = event.ordered
  target = workflow.checkout
  input  = { name = input.name }
}
"""


def test_one_event_starts_the_workflow_on_every_target(fnplan: Runner, tmp_path: Path) -> None:
    (tmp_path / "main.hcl").write_text(MAIN + EVENTS)
    code = tmp_path / "functions" / "greet"
    code.mkdir(parents=True)
    (code / "main.py").write_text(HANDLER)
    plan = fnplan("plan", cwd=tmp_path).stdout
    assert "+ trigger.on_order[local.a] will be created" in plan
    assert "+ trigger.on_order[local.b] will be created" in plan
    fnplan("apply", "--auto-approve", cwd=tmp_path)

    data = json.dumps({"name": "ada"})
    result = fnplan("emit", "com.example.ordered", "--data", data, "--json", cwd=tmp_path)
    results = json.loads(result.stdout)["results"]
    started = {(r["trigger"], r["target"], r["status"]) for r in results}
    assert started == {
        ("trigger.on_order[local.a]", "workflow.checkout[local.a]", "succeeded"),
        ("trigger.on_order[local.b]", "workflow.checkout[local.b]", "succeeded"),
    }
    for run in results:
        target = run["target"][len("workflow.checkout[") : -1]
        assert run["output"]["hello"] == "ada"
        assert Path(run["output"]["code"]).is_relative_to(tmp_path / ".fnplan" / target)
    fnplan("plan", "--detailed-exitcode", cwd=tmp_path, check=0)
