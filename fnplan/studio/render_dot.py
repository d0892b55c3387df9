"""A workflow graph as Graphviz DOT: node shapes by type, edge styles by kind."""

from __future__ import annotations

import json

from fnplan.studio.graph import GraphEdge, WorkflowGraph

_SHAPES = {
    "function": "box",
    "workflow": "box3d",
    "sql": "cylinder",
    "shell": "parallelogram",
    "http": "hexagon",
}
_STYLES = {
    "sequential": "solid",
    "data": "bold",
    "conditional": "dashed",
    "error": "dotted",
}


def _quote(text: str) -> str:
    """A DOT string literal (JSON escaping is a subset DOT reads)."""
    return json.dumps(text)


def edge_label(edge: GraphEdge) -> str:
    """What an edge is labelled with: the fields it carries, its condition, or 'on error'."""
    if edge.kind == "data":
        return ", ".join(edge.fields)
    if edge.kind == "conditional":
        return f"if {edge.condition}"
    return "on error" if edge.kind == "error" else ""


def render_dot(graph: WorkflowGraph) -> str:
    """DOT text; inline expansions and unfolded workflows are clusters."""
    lines = [f"digraph {_quote(graph.workflow)} {{", "  rankdir=TB;"]
    for index, group in enumerate(graph.groups):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={_quote(group.label)}; style=rounded;")
        lines += [f"    {_quote(member)};" for member in group.members]
        lines.append("  }")
    for node in graph.nodes:
        shape = _SHAPES.get(node.type, "box")
        lines.append(f"  {_quote(node.id)} [label={_quote(node.name)}, shape={shape}];")
    for edge in graph.edges:
        attributes = f"style={_STYLES[edge.kind]}"
        label = edge_label(edge)
        if label:
            attributes += f", label={_quote(label)}"
        if edge.kind == "error":
            attributes += ", color=red"
        lines.append(f"  {_quote(edge.source)} -> {_quote(edge.target)} [{attributes}];")
    return "\n".join([*lines, "}"])
