"""fnplan.operations.project: init, validate, fmt and graph, called in this process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fnplan.errors import FnplanError
from fnplan.operations import project
from fnplan.workspace import Workspace
from tests.conftest import EXAMPLES


@pytest.fixture
def minimal(tmp_path: Path) -> Workspace:
    root = tmp_path / "minimal"
    shutil.copytree(EXAMPLES / "minimal", root, ignore=shutil.ignore_patterns(".fnplan"))
    return Workspace(root)


def test_initialize_loads_the_providers(minimal: Workspace, tmp_path: Path) -> None:
    done = project.initialize(minimal, migrate=False, reconfigure=False)
    assert (done.migrated, done.providers, done.resources) == ([], ["local"], 3)
    assert minimal.data_dir.is_dir()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(FnplanError, match="no configuration files in"):
        project.initialize(Workspace(empty), migrate=False, reconfigure=False)


def test_validate_and_graph(minimal: Workspace) -> None:
    assert sorted(project.validate(minimal).resources) == [
        "function.hello",
        "runtime.python",
        "workflow.hello",
    ]
    graph = json.loads(project.graph_text(minimal, "json"))
    assert graph["nodes"] == ["function.hello", "runtime.python", "workflow.hello"]
    assert ["runtime.python", "function.hello"] in graph["edges"]
    mermaid = project.graph_text(minimal, "mermaid").splitlines()
    assert mermaid[0] == "flowchart LR" and '  n1["runtime.python"]' in mermaid
    dot = project.graph_text(minimal, "dot")
    assert dot.startswith("digraph fnplan {") and '"runtime.python" -> "function.hello";' in dot


def test_unformatted_files_and_their_diff(minimal: Workspace) -> None:
    main = minimal.directory / "main.hcl"
    assert project.unformatted([minimal.directory]) == []
    original = main.read_bytes()
    main.write_bytes(original.replace(b"  language = ", b"  language    =   "))
    (found,) = project.unformatted([minimal.directory])
    assert (found.path, found.formatted) == (main, original)
    assert found.diff()[0] == f"--- {main}\n"
    assert '+  language = "python3.12"\n' in found.diff()
    broken = minimal.directory / "broken.hcl"
    broken.write_text('runtime "x" {\n')
    with pytest.raises(FnplanError):
        project.unformatted([minimal.directory])
