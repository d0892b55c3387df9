"""Property: for random edits of a workflow (steps added, renamed, removed, edges added,
attributes set), the operations `fnplan diff` computes turn the old text into a configuration
whose workflow equals the new one; renaming a step is reported as that one rename_step."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fnplan.config.model import Workflow
from fnplan.studio import edit_hcl
from fnplan.studio.diff import workflow_operations
from fnplan.studio.hcl_text import plain
from fnplan.studio.ops import parse_operations
from fnplan.workspace import Workspace

MINIMAL = Path(__file__).resolve().parents[2] / "examples" / "minimal"
WORKFLOW = "workflow.hello"


@st.composite
def edits(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Random valid operations on the minimal example's workflow, on steps they add (the
    workflow's output refers to `greet`, and no graph operation changes an output)."""
    steps: list[str] = []
    edges: set[tuple[str, str]] = set()
    ops: list[dict[str, Any]] = []
    for index in range(draw(st.integers(1, 5))):
        fresh = f"s{index}"
        kind = draw(st.sampled_from(["add", "rename", "attribute", "edge", "remove"]))
        base = {"workflow": WORKFLOW}
        if kind == "edge" and len(steps) >= 2 and (steps[-2], steps[-1]) in edges:
            kind = "add"
        if kind == "add" or not steps or (kind == "edge" and len(steps) < 2):
            attributes = {"function": "function.hello", "input": f'{{ name = "{fresh}" }}'}
            ops.append({**base, "op": "add_step", "step": fresh, "attributes": attributes})
            steps.append(fresh)
        elif kind == "rename":
            step = draw(st.sampled_from(steps))
            ops.append({**base, "op": "rename_step", "step": step, "to": fresh})
            steps[steps.index(step)] = fresh
            edges = {(fresh if a == step else a, fresh if b == step else b) for a, b in edges}
        elif kind == "attribute":
            step = draw(st.sampled_from(steps))
            value = draw(st.sampled_from(['{ name = "x" }', "{ name = input.name }"]))
            ops.append({**base, "op": "set_attribute", "step": step, "attribute": "input"})
            ops[-1]["value"] = value
        elif kind == "edge":
            first, second = steps[-2], steps[-1]
            edges.add((first, second))
            ops.append({**base, "op": "add_edge", "from": f"step.{first}", "to": f"step.{second}"})
            ops[-1]["kind"] = "sequential"
        else:
            step = steps.pop()
            edges = {e for e in edges if step not in e}
            ops.append({**base, "op": "remove_step", "step": step})
    return ops


def _load(directory: Path, text: bytes) -> Workflow:
    (directory / "main.hcl").write_bytes(text)
    return Workspace(directory).load().workflows["hello"]


def _apply(text: bytes, ops: list[dict[str, Any]]) -> bytes:
    for op in parse_operations(ops):
        text = edit_hcl.apply(text, op, "main.hcl")
    return text


def _shape(workflow: Workflow) -> Any:
    return {name: plain(step) for name, step in workflow.steps.items()}


@settings(max_examples=25, deadline=None)
@given(edits())
def test_diff_operations_turn_old_text_into_the_new_workflow(ops: list[dict[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch) / "p"
        shutil.copytree(MINIMAL, directory, ignore=shutil.ignore_patterns(".fnplan"))
        old_text = (directory / "main.hcl").read_bytes()
        new_text = _apply(old_text, ops)
        old, new = _load(directory, old_text), _load(directory, new_text)
        diff = workflow_operations(old, new)
        rebuilt = _load(directory, _apply(old_text, diff))
        assert _shape(rebuilt) == _shape(new)
        for name in new.steps:  # renaming any one step is diffed as exactly that rename
            rename = {"op": "rename_step", "workflow": WORKFLOW, "step": name, "to": "renamed"}
            renamed = _load(directory, _apply(new_text, [rename]))
            assert workflow_operations(new, renamed) == [rename]
