"""`fnplan new DIR [--template]` makes a project that validates, applies and runs as it is;
`init` without configuration points to it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fnplan import scaffold
from tests.cli.conftest import Runner, assert_clean_error

EXAMPLES = Path(__file__).parents[2] / "examples"


@pytest.mark.parametrize("template", scaffold.TEMPLATES)
def test_a_new_project_validates_and_applies(fnplan: Runner, tmp_path: Path, template: str) -> None:
    created = fnplan("new", "demo", "--template", template, cwd=tmp_path)
    assert f"Created demo from the {template} template" in created.stdout
    project = tmp_path / "demo"
    shipped = {  # what the README's tour may leave in the example is not shipped
        p.relative_to(EXAMPLES / template)
        for p in (EXAMPLES / template).rglob("*")
        if p.is_file()
        and not {".fnplan", "__pycache__"} & set(p.parts)
        and p.suffix not in (".plan", ".pyc")
    }
    assert {p.relative_to(project) for p in project.rglob("*") if p.is_file()} == shipped
    fnplan("-C", "demo", "validate", cwd=tmp_path)
    fnplan("-C", "demo", "apply", "--auto-approve", cwd=tmp_path)
    fnplan("-C", "demo", "plan", "--detailed-exitcode", cwd=tmp_path)


def test_the_minimal_project_runs_its_workflow(fnplan: Runner, tmp_path: Path) -> None:
    fnplan("new", "hello", cwd=tmp_path)
    fnplan("apply", "--auto-approve", cwd=tmp_path / "hello")
    run = fnplan("run", "hello", "--input", '{"name": "you"}', cwd=tmp_path / "hello")
    assert json.loads(run.stdout) == {"greeting": "Hello, you!"}


def test_new_fills_an_empty_directory_and_never_overwrites(fnplan: Runner, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    fnplan("new", "empty", cwd=tmp_path)
    assert (tmp_path / "empty" / "main.hcl").is_file()
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    assert_clean_error(
        fnplan("new", "taken", cwd=tmp_path, check=None), "taken already exists and is not empty"
    )
    assert [p.name for p in (tmp_path / "taken").iterdir()] == ["notes.txt"]
    (tmp_path / "file").write_text("x")
    assert_clean_error(fnplan("new", "file", cwd=tmp_path, check=None), "is not a directory")
    unknown = fnplan("new", "x", "--template", "nope", cwd=tmp_path, check=1)
    assert "'nope' is not one of 'minimal', 'quickstart'" in unknown.stderr


def test_init_without_configuration_points_to_new(fnplan: Runner, tmp_path: Path) -> None:
    result = fnplan("init", cwd=tmp_path, check=None)
    assert_clean_error(result, "no configuration files in", "fnplan new DIR")


def test_deployments_and_caches_in_a_template_are_not_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "examples" / "minimal"
    for name in ("main.hcl", ".fnplan/state.json", "f/__pycache__/m.pyc", "f/m.py", "x.plan"):
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        (source / name).write_text("x")
    monkeypatch.setattr(scaffold, "files", lambda package: tmp_path / "examples")
    written = scaffold.new_project(tmp_path / "new", "minimal")
    assert sorted(p.relative_to(tmp_path / "new").as_posix() for p in written) == [
        "f/m.py",
        "main.hcl",
    ]
