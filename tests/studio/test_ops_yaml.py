"""`fnplan edit` on a YAML configuration: a ruamel.yaml round trip that changes only the
lines an operation is about, and operations undone by their inverses restore every byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Runner

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "minimal"
YAML = """\
# the minimal example, in YAML
provider:
  local: {}
runtime:
  python: {language: python3.12}
function:
  hello:
    runtime: ${runtime.python}
    source: ./functions/hello   # beside this file
    handler: main.handler
workflow:
  hello:
    step:
      greet:
        function: ${function.hello}
        input: {name: "${input.name}"}
    output: {greeting: "${step.greet.output.greeting}"}
"""
ADD: list[dict[str, Any]] = [
    {
        "op": "add_step",
        "workflow": "workflow.hello",
        "step": "again",
        "attributes": {"function": "function.hello", "input": "{ name = input.name }"},
    },
    {
        "op": "add_edge",
        "workflow": "workflow.hello",
        "from": "step.greet",
        "to": "step.again",
        "kind": "sequential",
    },
]
UNDO: list[dict[str, Any]] = [
    {**ADD[1], "op": "remove_edge"},
    {"op": "remove_step", "workflow": "workflow.hello", "step": "again"},
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLE / "functions", tmp_path / "functions")
    (tmp_path / "main.fnplan.yaml").write_text(YAML)
    return tmp_path


def _run(fnplan: Runner, project: Path, ops: list[dict[str, Any]]) -> str:
    path = project.parent / "ops.json"
    path.write_text(json.dumps(ops))
    return fnplan("edit", str(path), cwd=project).stdout


def test_add_step_and_edge_then_undo(fnplan: Runner, project: Path) -> None:
    _run(fnplan, project, ADD)
    text = (project / "main.fnplan.yaml").read_text()
    assert text.startswith(YAML.split("    output:")[0])
    added = text[len(YAML.split("    output:")[0]) :].split("    output:")[0]
    assert added == (
        "      again:\n"
        "        function: ${function.hello}\n"
        "        input: ${{ name = input.name }}\n"
        "        depends_on:\n"
        "          - ${step.greet}\n"
    )
    _run(fnplan, project, UNDO)
    assert (project / "main.fnplan.yaml").read_text() == YAML


def test_set_and_unset_attribute_restore_every_byte(fnplan: Runner, project: Path) -> None:
    op: dict[str, Any] = {"op": "set_attribute", "workflow": "workflow.hello", "step": "greet"}
    _run(fnplan, project, [{**op, "attribute": "when", "value": 'input.name != ""'}])
    assert 'when: ${input.name != ""}' in (project / "main.fnplan.yaml").read_text()
    _run(fnplan, project, [{**op, "op": "unset_attribute", "attribute": "when"}])
    assert (project / "main.fnplan.yaml").read_text() == YAML
