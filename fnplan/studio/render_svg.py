"""A workflow graph as a standalone SVG drawing, from its computed layout (no Graphviz)."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from fnplan.studio.graph import GraphEdge, Node, WorkflowGraph
from fnplan.studio.layout import lay_out
from fnplan.studio.render_dot import edge_label

_MARGIN = 20.0
_FILLS = {
    "function": "#ddf4ff",
    "workflow": "#fbefff",
    "sql": "#fff8c5",
    "shell": "#eaeef2",
    "http": "#dafbe1",
}
_STROKES = {
    "sequential": ("#57606a", ""),
    "data": ("#0969da", ""),
    "conditional": ("#9a6700", "6 4"),
    "error": ("#cf222e", "2 3"),
}


def render_svg(graph: WorkflowGraph) -> str:
    """SVG text; lays the graph out first if it has no layout yet."""
    if graph.nodes and any(node.box is None for node in graph.nodes):
        lay_out(graph)
    width = graph.width + 2 * _MARGIN
    height = graph.height + 2 * _MARGIN
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}" '
        'font-family="sans-serif" font-size="13">',
        f"<title>{escape(graph.workflow)}</title>",
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='8' "
        "markerHeight='8' orient='auto-start-reverse'><path d='M0,0 L10,5 L0,10 z'/></marker>"
        "</defs>",
        f'<g transform="translate({_MARGIN:g},{_MARGIN:g})">',
    ]
    parts += [_edge(edge) for edge in graph.edges if edge.route]
    parts += [_node(node) for node in graph.nodes]
    parts += ["</g>", "</svg>"]
    return "\n".join(parts)


def _node(node: Node) -> str:
    """A rounded box with the step's name, its id and type as data attributes."""
    assert node.box is not None
    box = node.box
    left, top = box.x - box.width / 2, box.y - box.height / 2
    return (
        f"<g class='node' data-id={quoteattr(node.id)} data-type={quoteattr(node.type)}>"
        f"<rect x='{left:g}' y='{top:g}' width='{box.width:g}' height='{box.height:g}' "
        f"rx='6' fill='{_FILLS.get(node.type, '#ffffff')}' stroke='#24292f'/>"
        f"<text x='{box.x:g}' y='{box.y + 4:g}' text-anchor='middle'>{escape(node.name)}</text>"
        "</g>"
    )


def _edge(edge: GraphEdge) -> str:
    """A polyline along the edge's route, styled by kind, with its label at the middle."""
    colour, dashes = _STROKES[edge.kind]
    points = " ".join(f"{x:g},{y:g}" for x, y in edge.route)
    dash = f" stroke-dasharray='{dashes}'" if dashes else ""
    line = (
        f"<polyline class='edge {edge.kind}' points='{points}' fill='none' "
        f"stroke='{colour}'{dash} marker-end='url(#arrow)'/>"
    )
    label = edge_label(edge)
    if not label:
        return line
    (x0, y0), (x1, y1) = edge.route[0], edge.route[-1]
    middle = f"x='{(x0 + x1) / 2 + 4:g}' y='{(y0 + y1) / 2:g}'"
    return f"{line}<text {middle} font-size='11' fill='{colour}'>{escape(label)}</text>"
