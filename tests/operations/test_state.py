"""fnplan.operations.state: reading and editing the recorded state in this process."""

from __future__ import annotations

from pathlib import Path

import pytest

from fnplan.errors import FnplanError, StateError
from fnplan.operations import state
from tests.operations.conftest import deployed_minimal


def test_addresses_show_and_remove(tmp_path: Path) -> None:
    workspace = deployed_minimal(tmp_path)
    assert state.addresses(workspace) == ["function.hello", "runtime.python", "workflow.hello"]
    assert state.addresses(workspace, ["*.hello"]) == ["function.hello", "workflow.hello"]
    assert state.shown_resource(workspace, "workflow.hello").type == "workflow"
    state.remove(workspace, ["workflow.hello"])
    assert "workflow.hello" not in state.read(workspace).resources
    with pytest.raises(StateError, match=r"workflow\.hello"):
        state.remove(workspace, ["workflow.hello"])


def test_move_renames_objects_kept_under_their_address(tmp_path: Path) -> None:
    workspace = deployed_minimal(tmp_path)
    state.move(workspace, "workflow.hello", "workflow.greet")
    moved = state.read(workspace).resources
    assert "workflow.hello" not in moved
    assert moved["workflow.greet"].outputs["endpoint"] == "local://workflow/workflow.greet"
    workflows = workspace.data_dir / "local" / "workflows"
    assert sorted(path.name for path in workflows.iterdir()) == ["workflow.greet"]
    with pytest.raises(StateError, match=r"no resource 'workflow\.hello'"):
        state.move(workspace, "workflow.hello", "workflow.other")


def test_move_of_objects_keyed_by_id(tmp_path: Path) -> None:
    workspace = deployed_minimal(tmp_path, "netsim")
    state.move(workspace, "workflow.hello", "workflow.greet")
    moved = state.read(workspace).resources
    assert "workflow.hello" not in moved and moved["workflow.greet"].provider == "netsim"


def test_outputs(tmp_path: Path) -> None:
    extra = '\noutput "endpoint" {\n  value = workflow.hello.endpoint\n}\n'
    workspace = deployed_minimal(tmp_path, extra=extra)
    assert list(state.outputs(workspace)) == ["endpoint"]
    assert state.output(workspace, "endpoint").value == "local://workflow/workflow.hello"
    with pytest.raises(FnplanError) as caught:
        state.output(workspace, "endpont")
    assert caught.value.message == "no output named 'endpont'"
    assert caught.value.hint == "did you mean 'endpoint'?"
