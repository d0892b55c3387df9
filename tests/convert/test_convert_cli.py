"""`fnplan convert` through the CLI: every corpus document is first accepted by its own
format's validator, then converted; the project written is the expected one (every element
left out listed) and `fnplan validate` accepts it.

serverless-workflow-1.0.0.schema.json is the specification's workflow schema
(https://serverlessworkflow.io/schemas/1.0.0/workflow.json, Apache-2.0) as the npm package
@serverlessworkflow/sdk 1.0.1 ships it (bundled in esm/index.esm.js as `workflowSchema`).
The Serverless Framework publishes no validator usable here: its documents are not checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint_all
from cloudcoil.models.knative_eventing.eventing.v1 import Trigger
from cloudcoil.models.knative_eventing.sources.v1 import PingSource
from cloudcoil.models.knative_serving.serving.v1 import Service
from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from tests.cli.conftest import Runner, assert_clean_error

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
SW_SCHEMA = json.loads((HERE / "serverless-workflow-1.0.0.schema.json").read_text())
INPUTS = {
    "serverless": "serverless.yml",
    "sam": "template.yaml",
    "knative": "*.yaml",
    "sw": "workflow.yaml",
}
PREFIXES = {"sls": "serverless", "sam": "sam", "kn": "knative", "sw": "sw"}
KNATIVE_MODELS: dict[Any, Any] = {"Service": Service, "PingSource": PingSource, "Trigger": Trigger}
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())


def _documents(path: Path) -> list[Any]:
    return [json.loads(json.dumps(d)) for d in YAML(typ="safe").load_all(path.read_text()) if d]


def format_errors(kind: str, path: Path) -> list[str]:
    """What the format's own validator says about a document (empty: accepted)."""
    if kind == "sam":
        return [str(m) for m in lint_all(path.read_text()) if m.rule.id.startswith("E")]
    if kind == "knative":
        errors = []
        for document in _documents(path):
            model = KNATIVE_MODELS.get(document.get("kind"))
            try:
                if model is not None:
                    model.model_validate(document)
            except (ValueError, TypeError) as exc:
                errors.append(str(exc))
        return errors
    if kind == "sw":
        validator = Draft202012Validator(SW_SCHEMA)
        return [e.message for d in _documents(path) for e in validator.iter_errors(d)]
    return []  # the Serverless Framework publishes no validator usable here


def _input(case: str) -> tuple[str, Path]:
    kind = PREFIXES[case.split("_")[0]]
    return kind, next((CORPUS / case).glob(INPUTS[kind]))


def test_corpus_has_three_documents_per_format() -> None:
    kinds = [PREFIXES[case.split("_")[0]] for case in CASES]
    assert all(kinds.count(kind) >= 3 for kind in PREFIXES.values()), kinds


@pytest.mark.parametrize("case", CASES)
def test_converts_to_a_valid_project(fnplan: Runner, tmp_path: Path, case: str) -> None:
    kind, document = _input(case)
    assert format_errors(kind, document) == []
    shutil.copytree(CORPUS / case, tmp_path / case)
    source = f"{case}/{document.name}"
    result = fnplan("convert", source, "--from", kind, "-o", "out", cwd=tmp_path)
    text = (tmp_path / "out" / "main.hcl").read_text()
    assert text == (CORPUS / case / "expected.hcl.txt").read_text()
    listed = [line[len("# not converted: ") :] for line in text.splitlines() if "not conv" in line]
    for item in listed:
        assert f"  {item}" in result.stdout
    fnplan("validate", cwd=tmp_path / "out")


def test_validators_reject_broken_documents(tmp_path: Path) -> None:
    """The validators the corpus passes can fail."""
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  X:\n    Type: AWS::Nope::Thing\n"
    )
    (tmp_path / "service.yaml").write_text(
        "apiVersion: serving.knative.dev/v1\nkind: Service\nspec:\n  template: 3\n"
    )
    (tmp_path / "workflow.yaml").write_text("document: {dsl: '1.0.0'}\ndo: []\n")
    for kind, name in (
        ("sam", "template.yaml"),
        ("knative", "service.yaml"),
        ("sw", "workflow.yaml"),
    ):
        assert format_errors(kind, tmp_path / name), kind


def test_several_formats_into_one_project(fnplan: Runner, tmp_path: Path) -> None:
    for case in ("sls_basic", "sw_http", "kn_basic"):
        shutil.copytree(CORPUS / case, tmp_path / case)
    result = fnplan(
        "convert",
        "sls_basic/serverless.yml",
        "sw_http/workflow.yaml",
        "kn_basic/service.yaml",
        "-o",
        "out",
        cwd=tmp_path,
    )
    for line in ("serverless.yml: serverless", "workflow.yaml: sw", "service.yaml: knative"):
        assert line in result.stdout  # each format detected
    text = (tmp_path / "out" / "main.hcl").read_text()
    assert 'source      = "../sls_basic"' in text
    assert 'workflow "order-status"' in text
    assert 'function "resize"' in text
    fnplan("validate", cwd=tmp_path / "out")
    again = fnplan("convert", "sw_http/workflow.yaml", "-o", "out", cwd=tmp_path, check=None)
    assert_clean_error(again, "out/main.hcl already exists; convert never overwrites files")


def test_mistakes_are_clean_errors(fnplan: Runner, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    (tmp_path / "broken.yaml").write_text("a: [\n")
    (tmp_path / "empty.yml").write_text(
        "service: x\nprovider: {name: aws}\nfunctions:\n  f: {handler: nodot}\n"
    )
    assert_clean_error(
        fnplan("convert", "compose.yaml", "-o", "out", cwd=tmp_path, check=None),
        "compose.yaml is none of the formats fnplan converts",
        "sam (AWS SAM template)",
    )
    assert_clean_error(
        fnplan("convert", "broken.yaml", "-o", "out", cwd=tmp_path, check=None),
        "cannot be read as YAML or JSON",
    )
    assert_clean_error(
        fnplan("convert", "compose.yaml", "--from", "sam", "-o", "out", cwd=tmp_path, check=None),
        "compose.yaml is not a AWS SAM template",
    )
    assert_clean_error(
        fnplan("convert", "empty.yml", "-o", "out", cwd=tmp_path, check=None),
        "nothing in empty.yml could be converted",
        "handler 'nodot' is not module.function",
    )
    assert not (tmp_path / "out").exists()
    shutil.copytree(CORPUS / "sls_basic", tmp_path / "sls")
    assert_clean_error(
        fnplan("convert", "serverless.yml", "-o", "fnplan", cwd=tmp_path / "sls", check=None),
        "lies inside the code of function hello",
        "-o ../NAME-fnplan",
    )
    assert not (tmp_path / "sls" / "fnplan").exists()
