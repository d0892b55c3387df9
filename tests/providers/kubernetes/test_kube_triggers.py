"""Trigger kinds without a Kubernetes mapping (storage, queue, completion) through the CLI:
validate refuses each where it is written, naming the trigger and the kinds that deploy."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import assert_clean_error, run_fnplan

MAIN = """provider "kubernetes" {
  namespace = "apps"
}

function "hello" {
  runtime = runtime.python
  source  = "./functions/hello"
  handler = "main.handler"
}

runtime "python" {
  language = "python3.12"
  image    = "registry.example/fnplan-python:3.12"
}

workflow "greet" {
  step "hello" {
    function = function.hello
  }
}

"""


@pytest.mark.parametrize(
    ("trigger", "where", "kind"),
    [
        (
            'trigger "on_upload" {\n  source {\n    storage {\n      bucket = "images"\n'
            "    }\n  }\n  target = workflow.greet\n}\n",
            "main.hcl:23:3",
            "storage",
        ),
        (
            'trigger "on_order" {\n  source {\n    queue {\n      queue = "orders"\n'
            "    }\n  }\n  target = function.hello\n}\n",
            "main.hcl:23:3",
            "queue",
        ),
        (
            'trigger "after" {\n  on_completion = workflow.greet\n  target = function.hello\n}\n',
            "main.hcl:23:19",
            "completion",
        ),
    ],
)
def test_a_trigger_kind_without_a_mapping_is_refused_by_validate(
    tmp_path: Path, trigger: str, where: str, kind: str
) -> None:
    hello = tmp_path / "functions" / "hello"
    hello.mkdir(parents=True)
    (hello / "main.py").write_text("def handler(event, context):\n    return event\n")
    (tmp_path / "main.hcl").write_text(MAIN + trigger)
    result = run_fnplan("validate", cwd=tmp_path, check=None)
    assert_clean_error(result, where, f"is a {kind} trigger", "schedule, event, http")
