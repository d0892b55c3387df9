"""Round trip of graph operations on HCL text: random operation sequences on every example
workflow, undone by their inverses in reverse order, give back the same bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fnplan.expr.treesitter import parse_tree
from fnplan.studio import edit_hcl
from fnplan.studio.ops import Operation, parse_operations

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SOURCES = {path.parent.name: path.read_bytes() for path in EXAMPLES.glob("*/main.hcl")}


def _workflows(source: bytes) -> list[str]:
    body = next(c for c in parse_tree(source).root_node.children if c.type == "body")
    return [
        (b.children[1].text or b"").strip(b'"').decode()
        for b in body.children
        if b.type == "block" and b.children[0].text == b"workflow"
    ]


WORKFLOWS = {
    (example, name): source for example, source in SOURCES.items() for name in _workflows(source)
}


def _steps(source: bytes, workflow: str) -> list[str]:
    tree = parse_tree(source).root_node
    body = next(c for c in tree.children if c.type == "body")
    block = next(
        b
        for b in body.children
        if b.type == "block"
        and b.children[0].text == b"workflow"
        and (b.children[1].text or b"").strip(b'"') == workflow.encode()
    )
    inner = next(c for c in block.children if c.type == "body")
    return [
        (b.children[1].text or b"").strip(b'"').decode()
        for b in inner.children
        if b.type == "block" and b.children[0].text == b"step"
    ]


def _pair(
    draw: st.DrawFn, workflow: str, steps: list[str], fresh: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One operation and its inverse, on the steps the workflow has now."""
    address = f"workflow.{workflow}"
    kind = draw(st.sampled_from(["add_step", "rename", "attribute", "sequential", "error"]))
    if kind == "add_step" or len(steps) < 2:
        attributes = {"function": "function.x", "input": "{ a = 1 }"}
        op = {"op": "add_step", "workflow": address, "step": fresh, "attributes": attributes}
        return op, {"op": "remove_step", "workflow": address, "step": fresh}
    step = draw(st.sampled_from(steps))
    if kind == "rename":
        op = {"op": "rename_step", "workflow": address, "step": step, "to": fresh}
        return op, {"op": "rename_step", "workflow": address, "step": fresh, "to": step}
    if kind == "attribute":
        set_ = {"op": "set_attribute", "workflow": address, "step": step}
        set_ |= {"attribute": f"extra_{fresh}", "value": '"x"'}
        return set_, {**set_, "op": "unset_attribute", "value": None}
    other = draw(st.sampled_from([s for s in steps if s != step]))
    edge = {"workflow": address, "from": f"step.{other}", "to": f"step.{fresh}"}
    edge |= {"kind": kind}
    return {**edge, "op": "add_edge"}, {**edge, "op": "remove_edge"}


def _ops(*raw: dict[str, Any]) -> list[Operation]:
    return parse_operations([{k: v for k, v in op.items() if v is not None} for op in raw])


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[bytes, list[Operation], list[Operation]]:
    """A source, operations to apply in order, and their inverses in undo order."""
    key = draw(st.sampled_from(sorted(WORKFLOWS)))
    source = WORKFLOWS[key]
    forward: list[Operation] = []
    backward: list[Operation] = []
    for index in range(draw(st.integers(1, 6))):
        steps = _steps(source, key[1])
        op, inverse = _pair(draw, key[1], steps, f"s{index}")
        if op["op"] == "add_edge":
            # an edge from an existing step to a step this operation adds
            add = {"op": "add_step", "workflow": op["workflow"], "step": f"s{index}"}
            [first] = _ops(add)
            source = edit_hcl.apply(source, first, "main.hcl")
            forward.append(first)
            backward.insert(0, _ops({**add, "op": "remove_step"})[0])
        [done, undo] = _ops(op, inverse)
        source = edit_hcl.apply(source, done, "main.hcl")
        forward.append(done)
        backward.insert(0, undo)
    return WORKFLOWS[key], forward, backward


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_operations_then_their_inverses_restore_every_byte(
    scenario: tuple[bytes, list[Operation], list[Operation]],
) -> None:
    original, forward, backward = scenario
    text = original
    for op in forward:
        text = edit_hcl.apply(text, op, "main.hcl")
        assert not parse_tree(text).root_node.has_error, text.decode()
    assert text != original
    for op in backward:
        text = edit_hcl.apply(text, op, "main.hcl")
    assert text == original


def test_every_example_workflow_is_in_the_corpus() -> None:
    """Workflows of every example are drawn from (examples declare them in main.hcl)."""
    declared = {
        (path.parent.name, name)
        for path in EXAMPLES.glob("*/*.hcl")
        for name in _workflows(path.read_bytes())
    }
    assert {("minimal", "hello"), ("quickstart", "thumbnail")} <= declared
    assert set(WORKFLOWS) == declared
