"""A workflow's graph diff as Mermaid, added elements green, removed red and dashed, changed
amber, for a pull request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fnplan.studio.diff import edge_key, marked_graph
from fnplan.studio.graph import WorkflowGraph
from fnplan.studio.render_mermaid import CLASS_DEFS, render_mermaid


def marked_mermaid(
    old: WorkflowGraph | None,
    new: WorkflowGraph | None,
    changed: Iterable[str] = (),
    renamed: Mapping[str, str] | None = None,
) -> str:
    """The new graph with the old one's removed elements, styled by how they changed
    (a workflow only one side has is all added or all removed; a renamed step is changed)."""
    address = (new or old or WorkflowGraph(workflow="")).workflow
    merged, marks = marked_graph(
        old or WorkflowGraph(workflow=address),
        new or WorkflowGraph(workflow=address),
        changed,
        renamed,
    )
    node_ids = {node.id for node in merged.nodes}
    classes = {key: mark for key, mark in marks.items() if key in node_ids}
    edge_classes: dict[tuple[str, str, str], str] = {
        (edge.source, edge.target, edge.kind): marks[key]
        for edge in merged.edges
        if (key := edge_key(edge)) in marks
    }
    return render_mermaid(merged, classes, edge_classes, CLASS_DEFS)
