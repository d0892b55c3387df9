"""`fnplan diff`: workflows compared between git revisions, as graph operations."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli.conftest import Runner, assert_clean_error

AUDIT_STEP = """  step "audit" {
    function   = function.report_failure
    depends_on = [step.fetch]
  }

"""


def _git(project: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=project,
        check=True,
        capture_output=True,
    )


def _edit(project: Path, old: str, new: str) -> None:
    main = project / "main.hcl"
    text = main.read_text()
    assert old in text
    main.write_text(text.replace(old, new, 1))


@pytest.fixture
def repo(quickstart: Path) -> Path:
    """The quickstart committed in a git repository of its own."""
    _git(quickstart, "init", "-q")
    _git(quickstart, "add", "-A")
    _git(quickstart, "commit", "-q", "-m", "first")
    return quickstart


def test_added_step_and_edge_between_two_revisions(fnplan: Runner, repo: Path) -> None:
    _edit(repo, '  step "report_failure" {', AUDIT_STEP + '  step "report_failure" {')
    _git(repo, "commit", "-q", "-am", "audit")
    ops = json.loads(fnplan("diff", "HEAD~1", "HEAD", "--json", cwd=repo).stdout)
    assert ops == {
        "operations": [
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
        ],
        "added_workflows": [],
        "removed_workflows": [],
    }
    text = fnplan("diff", "HEAD~1", "HEAD", cwd=repo).stdout.splitlines()
    assert text == [
        "--- HEAD~1",
        "+++ HEAD",
        "workflow.thumbnail: + step.audit (function = function.report_failure)",
        "workflow.thumbnail: + edge step.fetch -> step.audit (sequential)",
    ]
    # the working tree is HEAD: nothing differs, and the files were never touched
    assert "No differences in the workflows." in fnplan("diff", cwd=repo).stdout
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True)
    assert status.stdout == b""


def test_mermaid_marks_added_and_removed(fnplan: Runner, repo: Path) -> None:
    _edit(repo, '  step "report_failure" {', AUDIT_STEP + '  step "report_failure" {')
    added = fnplan("diff", "--format", "mermaid", cwd=repo).stdout
    assert added.startswith("### workflow.thumbnail\n\n```mermaid\nflowchart TB")
    assert "workflow.catalog" not in added
    lines = added.splitlines()
    audit = next(line.split("[")[0].strip() for line in lines if '["audit"]' in line)
    assert f"  class {audit} added" in lines
    edge = next(i for i, line in enumerate(lines) if line == f"  n0 --> {audit}")
    assert lines[edge + 1].startswith("  linkStyle 2 stroke:#2da44e")
    _git(repo, "commit", "-q", "-am", "audit")
    removed = fnplan("diff", "HEAD", "HEAD~1", "--format", "mermaid", cwd=repo).stdout
    assert "class n3 removed" in removed and '["audit"]' in removed


def test_removed_step_edges_and_attributes(fnplan: Runner, repo: Path) -> None:
    main = repo / "main.hcl"
    text = main.read_text()
    start = text.index('  step "report_failure" {')
    end = text.index("  output = {", start)
    text = text[:start] + text[end:]
    catch = '    catch {\n      errors = ["any"]\n      next   = step.report_failure\n    }\n'
    text = text.replace(catch, "", 1).replace("    when = step.fetch.output.bytes > 0\n", "", 1)
    text = text.replace("      url = input.url\n    }", '      url = "data/sample.txt"\n    }', 1)
    main.write_text(text)
    ops = json.loads(fnplan("diff", "--json", cwd=repo).stdout)["operations"]
    assert ops == [
        {
            "op": "remove_edge",
            "workflow": "workflow.thumbnail",
            "from": "step.resize",
            "to": "step.report_failure",
            "kind": "error",
        },
        {
            "op": "set_attribute",
            "workflow": "workflow.thumbnail",
            "step": "fetch",
            "attribute": "input",
            "value": '{ url = "data/sample.txt" }',
        },
        {
            "op": "unset_attribute",
            "workflow": "workflow.thumbnail",
            "step": "resize",
            "attribute": "when",
        },
        {"op": "remove_step", "workflow": "workflow.thumbnail", "step": "report_failure"},
    ]


def test_mistakes_are_clean_errors(fnplan: Runner, repo: Path, tmp_path: Path) -> None:
    assert_clean_error(fnplan("diff", "nope", cwd=repo, check=None), "no git revision 'nope'")
    (repo / "main.hcl").write_text('workflow "broken" {\n  step "a" {}\n')
    _git(repo, "commit", "-q", "-am", "broken")
    result = fnplan("diff", "HEAD", "HEAD~1", cwd=repo, check=None)
    assert_clean_error(result, "the configuration at revision HEAD is not valid")
    plain = tmp_path / "plain"
    plain.mkdir()
    assert_clean_error(fnplan("diff", cwd=plain, check=None), "not a git repository")


def test_edit_with_the_diffs_operations_gives_the_new_graph(fnplan: Runner, repo: Path) -> None:
    old_text = (repo / "main.hcl").read_text()
    _edit(repo, '  step "report_failure" {', AUDIT_STEP + '  step "report_failure" {')
    _edit(repo, "    when = step.fetch.output.bytes > 0\n", "")
    _git(repo, "commit", "-q", "-am", "audit")
    ops = json.loads(fnplan("diff", "HEAD~1", "HEAD", "--json", cwd=repo).stdout)["operations"]
    assert [op["op"] for op in ops] == ["add_step", "add_edge", "unset_attribute"]
    (repo / "main.hcl").write_text(old_text)
    (repo / "ops.json").write_text(json.dumps(ops))
    fnplan("edit", "ops.json", cwd=repo)
    assert "No differences in the workflows." in fnplan("diff", "HEAD", cwd=repo).stdout
