"""`fnplan edit OPS.json`: graph operations applied to the HCL, only the lines they are about."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.cli.conftest import Runner, assert_clean_error

ADD_STEP_AND_EDGE: list[dict[str, Any]] = [
    {
        "op": "add_step",
        "workflow": "workflow.thumbnail",
        "step": "audit",
        "attributes": {"function": "function.report_failure"},
    },
    {
        "op": "add_edge",
        "workflow": "workflow.thumbnail",
        "from": "step.fetch",
        "to": "step.audit",
        "kind": "sequential",
    },
]


def _git(project: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=project,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(quickstart: Path) -> Path:
    """The quickstart committed in a git repository of its own."""
    _git(quickstart, "init", "-q")
    _git(quickstart, "add", "-A")
    _git(quickstart, "commit", "-q", "-m", "first")
    return quickstart


def _ops(directory: Path, ops: list[dict[str, Any]]) -> Path:
    path = directory.parent / "ops.json"
    path.write_text(json.dumps(ops))
    return path


def test_dry_run_prints_the_diff_and_writes_nothing(fnplan: Runner, repo: Path) -> None:
    before = (repo / "main.hcl").read_bytes()
    out = fnplan("edit", str(_ops(repo, ADD_STEP_AND_EDGE)), "--dry-run", cwd=repo).stdout
    assert out.startswith("--- a/main.hcl\n+++ b/main.hcl\n")
    added = [line for line in out.splitlines() if line.startswith("+") and line[1:2] != "+"]
    assert added == [
        '+  step "audit" {',
        "+    function = function.report_failure",
        "+    depends_on = [step.fetch]",
        "+  }",
        "+",
    ]
    assert (repo / "main.hcl").read_bytes() == before


def test_adding_a_step_and_an_edge_changes_only_their_lines(fnplan: Runner, repo: Path) -> None:
    fnplan("edit", str(_ops(repo, ADD_STEP_AND_EDGE)), cwd=repo)
    assert _git(repo, "diff", "--stat").strip().splitlines()[-1].strip() == (
        "1 file changed, 5 insertions(+)"
    )
    ops = json.loads(fnplan("diff", "--json", cwd=repo).stdout)["operations"]
    assert ops == ADD_STEP_AND_EDGE


def test_each_operation_then_its_inverse_restores_the_bytes(fnplan: Runner, repo: Path) -> None:
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (ADD_STEP_AND_EDGE[0], {**ADD_STEP_AND_EDGE[0], "op": "remove_step", "attributes": None}),
        (
            {**ADD_STEP_AND_EDGE[1], "from": "step.fetch", "to": "step.report_failure"},
            {**ADD_STEP_AND_EDGE[1], "op": "remove_edge", "to": "step.report_failure"},
        ),
        (
            {
                "op": "set_attribute",
                "workflow": "workflow.thumbnail",
                "step": "fetch",
                "attribute": "when",
                "value": 'input.url != ""',
            },
            {
                "op": "unset_attribute",
                "workflow": "workflow.thumbnail",
                "step": "fetch",
                "attribute": "when",
            },
        ),
    ]
    before = (repo / "main.hcl").read_bytes()
    for op, inverse in pairs:
        inverse = {key: value for key, value in inverse.items() if value is not None}
        fnplan("edit", str(_ops(repo, [op])), cwd=repo)
        assert (repo / "main.hcl").read_bytes() != before
        fnplan("edit", str(_ops(repo, [inverse])), cwd=repo)
        assert (repo / "main.hcl").read_bytes() == before


def test_an_edit_making_the_configuration_invalid_writes_nothing(
    fnplan: Runner, repo: Path
) -> None:
    before = (repo / "main.hcl").read_bytes()
    bad = [{**ADD_STEP_AND_EDGE[0], "attributes": {"function": "function.nope"}}]
    result = fnplan("edit", str(_ops(repo, bad)), cwd=repo, check=None)
    assert_clean_error(result, "nothing was written", "unknown function 'nope'", "main.hcl:")
    assert (repo / "main.hcl").read_bytes() == before


def test_a_modules_workflow_is_read_only(fnplan: Runner, repo: Path) -> None:
    op = {**ADD_STEP_AND_EDGE[0], "workflow": "module.vision.workflow.classify"}
    result = fnplan("edit", str(_ops(repo, [op])), cwd=repo, check=None)
    assert_clean_error(result, "module.vision.workflow.classify belongs to a module")


def test_a_malformed_operation_is_refused(fnplan: Runner, repo: Path) -> None:
    result = fnplan("edit", str(_ops(repo, [{"op": "paint"}])), cwd=repo, check=None)
    assert_clean_error(result, "invalid operation", "graph-ops.schema.json")


def test_an_unknown_workflow_or_step_is_refused(fnplan: Runner, repo: Path) -> None:
    op = {**ADD_STEP_AND_EDGE[0], "workflow": "workflow.nope"}
    result = fnplan("edit", str(_ops(repo, [op])), cwd=repo, check=None)
    assert_clean_error(result, "workflow.nope is not declared")
    op = {"op": "remove_step", "workflow": "workflow.thumbnail", "step": "nope"}
    result = fnplan("edit", str(_ops(repo, [op])), cwd=repo, check=None)
    assert_clean_error(result, "main.hcl:84:1", "workflow.thumbnail has no step 'nope'", "resize")


def _graph(fnplan: Runner, repo: Path, workflow: str) -> Any:
    """The workflow's nodes and edges, without source positions or layout."""
    graph = json.loads(fnplan("graph", workflow, "--format", "json", cwd=repo).stdout)
    nodes = sorted((n["id"], n.get("type")) for n in graph["nodes"])
    edges = sorted(json.dumps({k: v for k, v in e.items() if k != "route"}) for e in graph["edges"])
    return nodes, edges


def test_the_diffs_operations_turn_the_old_text_into_the_new_graph(
    fnplan: Runner, repo: Path
) -> None:
    main = repo / "main.hcl"
    text = main.read_text()
    text = text.replace(
        '  step "report_failure" {',
        '  step "audit" {\n    function = function.report_failure\n'
        "    depends_on = [step.fetch]\n  }\n\n"
        '  step "report_failure" {',
    ).replace("when = step.fetch.output.bytes > 0", "when = step.fetch.output.bytes > 10")
    main.write_text(text)
    wanted = _graph(fnplan, repo, "workflow.thumbnail")
    ops = fnplan("diff", "--json", cwd=repo).stdout
    _git(repo, "checkout", "-q", "--", "main.hcl")
    path = repo.parent / "diff.json"
    path.write_text(ops)
    fnplan("edit", str(path), cwd=repo)
    assert _graph(fnplan, repo, "workflow.thumbnail") == wanted
    assert (
        json.loads(fnplan("diff", "--json", cwd=repo).stdout)["operations"]
        == json.loads(ops)["operations"]
    )
