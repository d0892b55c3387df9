"""`fnplan export --format serverless-workflow` through the CLI: every example workflow
written as a DSL 1.0 document the specification's JSON Schema accepts, and a workflow of
http and shell steps converted back to the same steps."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from tests.cli.conftest import Runner, assert_clean_error

HERE = Path(__file__).parent
EXAMPLES = HERE.parent.parent / "examples"
VALIDATOR = Draft202012Validator(
    json.loads((HERE / "serverless-workflow-1.0.0.schema.json").read_text())
)
WORKFLOWS = [
    ("quickstart", "workflow.thumbnail"),
    ("quickstart", "workflow.catalog"),
    ("minimal", "workflow.hello"),
]

PIPELINE = """\
provider "local" {}

workflow "pipeline" {
  step "lookup" {
    http {
      url = "https://orders.example.com/${input.id}"
    }
  }
  step "report" {
    when = step.lookup.output.status == 200
    http {
      url    = "https://status.example.com/report"
      method = "POST"
      body   = { status = step.lookup.output.status }
    }
    retry {
      max_attempts = 3
      backoff      = "exponential"
    }
    catch {
      errors = ["any"]
      next   = step.alert
    }
  }
  step "alert" {
    shell {
      script = "echo failed"
    }
  }
  step "archive" {
    depends_on = [step.report]
    shell {
      image  = "alpine:3.20"
      script = "echo done"
    }
  }
}
"""


@pytest.mark.parametrize(("example", "address"), WORKFLOWS)
def test_examples_export_valid_documents(
    fnplan: Runner, tmp_path: Path, example: str, address: str
) -> None:
    project = tmp_path / example
    shutil.copytree(EXAMPLES / example, project, ignore=shutil.ignore_patterns(".fnplan"))
    result = fnplan("export", "--format", "serverless-workflow", address, cwd=project)
    document = yaml.safe_load(result.stdout)
    assert [e.message for e in VALIDATOR.iter_errors(document)] == []
    assert document["document"]["name"] == address.split(".")[1]


def test_export_then_convert_gives_the_same_steps(fnplan: Runner, tmp_path: Path) -> None:
    (tmp_path / "main.hcl").write_text(PIPELINE)
    fnplan(
        "export",
        "--format",
        "serverless-workflow",
        "workflow.pipeline",
        "-o",
        "pipeline.sw.yaml",
        cwd=tmp_path,
    )
    document = yaml.safe_load((tmp_path / "pipeline.sw.yaml").read_text())
    assert [e.message for e in VALIDATOR.iter_errors(document)] == []
    assert [next(iter(task)) for task in document["do"]] == ["lookup", "report", "archive"]
    report = document["do"][1]["report"]
    assert report["catch"]["retry"]["limit"] == {"attempt": {"count": 2}}
    assert next(iter(report["catch"]["do"][0])) == "alert"
    assert report["try"][0]["report"]["if"] == "${ $context.lookup.status == 200 }"

    fnplan("convert", "pipeline.sw.yaml", "-o", "back", cwd=tmp_path)
    fnplan("validate", cwd=tmp_path / "back")
    graph = json.loads(
        fnplan("graph", "workflow.pipeline", "--format", "json", cwd=tmp_path / "back").stdout
    )
    kinds = {node["id"].split(".")[-1]: node["type"] for node in graph["nodes"]}
    assert kinds == {
        "lookup": "http",
        "report": "http",
        "report_catch_alert": "shell",
        "archive": "shell",
    }
    text = (tmp_path / "back" / "main.hcl").read_text()
    assert 'url    = "https://orders.example.com/${input.id}"' in text
    assert "when       = step.lookup.output.status == 200" in text
    assert "status = step.lookup.output.status" in text
    assert "not converted" not in text


def test_unknown_workflow_is_a_clean_error(fnplan: Runner, tmp_path: Path) -> None:
    (tmp_path / "main.hcl").write_text(PIPELINE)
    assert_clean_error(
        fnplan(
            "export", "--format", "serverless-workflow", "workflow.nope", cwd=tmp_path, check=None
        ),
        "no workflow 'workflow.nope'",
        "workflow.pipeline",
    )
