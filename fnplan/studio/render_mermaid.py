"""A workflow graph as a Mermaid flowchart, ready to paste into Markdown (a pull request)."""

from __future__ import annotations

from collections.abc import Mapping

from fnplan.studio.graph import GraphEdge, WorkflowGraph
from fnplan.studio.render_dot import edge_label

_ARROWS = {"sequential": "-->", "data": "==>", "conditional": "-.->", "error": "-.->"}
_SHAPES = {
    "function": ('["', '"]'),
    "workflow": ('[["', '"]]'),
    "sql": ('[("', '")]'),
    "shell": ('[/"', '"/]'),
    "http": ('{{"', '"}}'),
}


def _text(label: str) -> str:
    """Mermaid label text: quotes and pipes would end the label early."""
    return label.replace('"', "#quot;").replace("|", "#124;")


def render_mermaid(
    graph: WorkflowGraph,
    classes: Mapping[str, str] | None = None,
    edge_classes: Mapping[tuple[str, str, str], str] | None = None,
    extra_lines: list[str] | None = None,
) -> str:
    """Mermaid text; `classes` styles nodes (id -> class name), `edge_classes` styles edges
    ((source, target, kind) -> class name: "added", "removed" or "changed")."""
    ids = {node.id: f"n{index}" for index, node in enumerate(graph.nodes)}
    lines = ["flowchart TB", *(extra_lines or [])]
    in_group = {member for group in graph.groups for member in group.members}
    for node in graph.nodes:
        if node.id not in in_group:
            lines.append(f"  {_node(ids[node.id], node.name, node.type)}")
    for index, group in enumerate(graph.groups):
        lines.append(f'  subgraph g{index}["{_text(group.label)}"]')
        for member in group.members:
            node = graph.node(member)
            lines.append(f"    {_node(ids[member], node.name, node.type)}")
        lines.append("  end")
    for index, edge in enumerate(graph.edges):
        lines.append(f"  {_edge(ids, edge)}")
        style = (edge_classes or {}).get((edge.source, edge.target, edge.kind))
        if style:
            lines.append(f"  linkStyle {index} {_LINK_STYLES[style]}")
    for node_id, name in sorted((classes or {}).items()):
        if node_id in ids:
            lines.append(f"  class {ids[node_id]} {name}")
    return "\n".join(lines)


_LINK_STYLES = {
    "added": "stroke:#2da44e,stroke-width:3px",
    "removed": "stroke:#cf222e,stroke-width:3px,stroke-dasharray:4",
    "changed": "stroke:#bf8700,stroke-width:3px",
}
#: classDef lines for the styles render_mermaid's `classes` name
CLASS_DEFS = [
    "  classDef added fill:#dafbe1,stroke:#2da44e,stroke-width:2px",
    "  classDef removed fill:#ffebe9,stroke:#cf222e,stroke-width:2px,stroke-dasharray:4",
    "  classDef changed fill:#fff8c5,stroke:#bf8700,stroke-width:2px",
]


def _node(mermaid_id: str, name: str, node_type: str) -> str:
    """A node declaration, its shape telling its type."""
    opening, closing = _SHAPES.get(node_type, ('["', '"]'))
    return f"{mermaid_id}{opening}{_text(name)}{closing}"


def _edge(ids: Mapping[str, str], edge: GraphEdge) -> str:
    """An edge, its arrow telling its kind and its label what it carries."""
    label = edge_label(edge)
    arrow = _ARROWS[edge.kind]
    text = f'|"{_text(label)}"|' if label else ""
    return f"{ids[edge.source]} {arrow}{text} {ids[edge.target]}"
