"""`fnplan diff` reports a step removed and added with the same attributes as a rename, and
the rename (with every reference to the step) is what `fnplan edit` applies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Runner
from tests.studio.test_diff_cli import _edit, _git


@pytest.fixture
def repo(quickstart: Path) -> Path:
    """The quickstart committed in a git repository of its own."""
    _git(quickstart, "init", "-q")
    _git(quickstart, "add", "-A")
    _git(quickstart, "commit", "-q", "-m", "first")
    return quickstart


def _rename_fetch(project: Path) -> None:
    main = project / "main.hcl"
    text = main.read_text()
    workflow = text.index('workflow "thumbnail"')
    end = text.index('module "vision"')
    body = text[workflow:end].replace('step "fetch"', 'step "download"')
    body = body.replace("step.fetch.", "step.download.")
    main.write_text(text[:workflow] + body + text[end:])


def test_renamed_step_is_one_rename(fnplan: Runner, repo: Path, tmp_path: Path) -> None:
    _rename_fetch(repo)
    ops = json.loads(fnplan("diff", "--json", cwd=repo).stdout)
    assert ops["operations"] == [
        {"op": "rename_step", "workflow": "workflow.thumbnail", "step": "fetch", "to": "download"}
    ]
    text = fnplan("diff", cwd=repo).stdout.splitlines()
    assert "workflow.thumbnail: ~ step.fetch renamed to step.download" in text
    mermaid = fnplan("diff", "--format", "mermaid", cwd=repo).stdout
    assert '["download"]' in mermaid and '["fetch"]' not in mermaid
    assert "class n0 changed" in mermaid  # the renamed step, not removed and added

    (tmp_path / "ops.json").write_text(json.dumps(ops["operations"]))
    renamed = (repo / "main.hcl").read_text()
    _git(repo, "checkout", "-q", "--", "main.hcl")
    fnplan("edit", str(tmp_path / "ops.json"), cwd=repo)
    assert (repo / "main.hcl").read_text() == renamed


def test_rename_with_a_changed_attribute_is_not_a_rename(fnplan: Runner, repo: Path) -> None:
    _rename_fetch(repo)
    _edit(
        repo,
        'url = input.url\n    }\n  }\n\n  step "resize"',
        'url = "x"\n    }\n  }\n\n  step "resize"',
    )
    ops = json.loads(fnplan("diff", "--json", cwd=repo).stdout)["operations"]
    kinds = [(op["op"], op.get("step")) for op in ops if op["workflow"] == "workflow.thumbnail"]
    assert ("rename_step", "fetch") not in kinds
    assert ("add_step", "download") in kinds
    assert ("remove_step", "fetch") in kinds
