"""`move_step`: a step moved out of a nested (inline) workflow into its caller and back, only
its lines changing; a move that would leave references dangling writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Runner, assert_clean_error

PROJECT = """\
provider "local" {}

workflow "inner" {
  step "x" {
    shell {
      script = "echo x"
    }
  }

  # y runs beside x
  step "y" {
    shell {
      script = "echo y"
    }
  }
}

workflow "outer" {
  step "first" {
    shell {
      script = "echo first"
    }
  }

  step "nested" {
    workflow   = workflow.inner
    nesting    = "inline"
    depends_on = [step.first]
  }
}
"""


def _move(step: str, source: str, into: str) -> list[dict[str, str]]:
    return [{"op": "move_step", "workflow": source, "step": step, "into": into}]


def _edit(fnplan: Runner, project: Path, ops: list[dict[str, str]], check: int = 0) -> str:
    (project.parent / "ops.json").write_text(json.dumps(ops))
    result = fnplan("edit", str(project.parent / "ops.json"), cwd=project, check=check)
    return result.stdout + result.stderr


def _steps(fnplan: Runner, project: Path, workflow: str) -> list[str]:
    graph = json.loads(fnplan("graph", workflow, "--format", "json", cwd=project).stdout)
    return sorted(node["id"].split(".")[-1] for node in graph["nodes"])


def test_move_out_of_a_nested_workflow_and_back(fnplan: Runner, tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    main = project / "main.hcl"
    main.write_text(PROJECT)
    _edit(fnplan, project, _move("y", "workflow.inner", "workflow.outer"))
    moved = main.read_text()
    assert moved == PROJECT.replace(
        '\n  # y runs beside x\n  step "y" {\n    shell {\n      script = "echo y"\n    }\n  }\n',
        "",
    ).replace(
        "    depends_on = [step.first]\n  }\n",
        "    depends_on = [step.first]\n  }\n\n"
        '  # y runs beside x\n  step "y" {\n    shell {\n      script = "echo y"\n    }\n  }\n',
    )
    assert _steps(fnplan, project, "workflow.inner") == ["x"]
    assert "y" in _steps(fnplan, project, "workflow.outer")

    _edit(fnplan, project, _move("y", "workflow.outer", "workflow.inner"))
    assert main.read_text() == PROJECT


def test_move_leaving_a_dangling_reference_is_refused(fnplan: Runner, tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    text = PROJECT.replace(
        '      script = "echo y"\n    }\n',
        '      script = "echo y"\n    }\n    depends_on = [step.x]\n',
    )
    (project / "main.hcl").write_text(text)
    fnplan("validate", cwd=project)
    output = _edit(fnplan, project, _move("y", "workflow.inner", "workflow.outer"), check=1)
    assert "nothing was written" in output
    assert (project / "main.hcl").read_text() == text
    assert_clean_error(
        fnplan("edit", str(tmp_path / "ops.json"), cwd=project, check=None),
        "unknown step 'x' in workflow \"outer\"",
    )
    output = _edit(fnplan, project, _move("x", "workflow.inner", "workflow.nope"), check=1)
    assert "workflow.nope is not declared in main.hcl" in output


YAML_PROJECT = """\
provider:
  local: {}
workflow:
  inner:
    step:
      x:
        shell:
          script: echo x
      y:
        shell:
          script: echo y
  outer:
    step:
      first:
        shell:
          script: echo first
      nested:
        workflow: ${workflow.inner}
        nesting: inline
        depends_on:
          - ${step.first}
"""


def test_move_in_a_yaml_file(fnplan: Runner, tmp_path: Path) -> None:
    project = tmp_path / "p"
    project.mkdir()
    main = project / "main.fnplan.yaml"
    main.write_text(YAML_PROJECT)
    fnplan("validate", cwd=project)
    _edit(fnplan, project, _move("y", "workflow.inner", "workflow.outer"))
    assert _steps(fnplan, project, "workflow.inner") == ["x"]
    assert "y" in _steps(fnplan, project, "workflow.outer")
    _edit(fnplan, project, _move("y", "workflow.outer", "workflow.inner"))
    assert main.read_text() == YAML_PROJECT
