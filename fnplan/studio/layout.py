"""A layered (Sugiyama) layout of a workflow graph, computed with grandalf, so a front end
draws the graph without a layout engine of its own. Layers run top to bottom: every edge
goes from a lower layer to a higher one, and no two nodes overlap."""

from __future__ import annotations

from typing import Any

from fnplan.studio.graph import Box, WorkflowGraph

NODE_HEIGHT = 40.0
#: horizontal space between neighbours in a layer, and between separate components
GAP = 30.0
LAYER_SPACE = 60.0
_CHAR_WIDTH = 8.0
_MIN_WIDTH = 100.0


def node_width(name: str) -> float:
    """Wide enough for the step's name in a 13px sans-serif font."""
    return max(_MIN_WIDTH, len(name) * _CHAR_WIDTH + 24.0)


def lay_out(graph: WorkflowGraph) -> WorkflowGraph:
    """Fill in every node's box, every edge's route and the drawing's size (in place)."""
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout, VertexViewer

    vertices = {node.id: Vertex(node.id) for node in graph.nodes}
    for node in graph.nodes:
        vertices[node.id].view = VertexViewer(w=node_width(node.name), h=NODE_HEIGHT)
    pairs = sorted({(e.source, e.target) for e in graph.edges if e.source != e.target})
    edges = {pair: Edge(vertices[pair[0]], vertices[pair[1]]) for pair in pairs}
    offset = 0.0
    routes: dict[tuple[str, str], list[tuple[float, float]]] = {}
    height = 0.0
    for component in Graph(list(vertices.values()), list(edges.values())).C:
        layout = SugiyamaLayout(component)
        layout.xspace, layout.yspace = GAP, LAYER_SPACE
        roots = [v for v in component.sV if not v.e_in()]
        layout.init_all(roots=roots, inverted_edges=[])
        layout.draw()
        left, bottom = _separate(layout, offset)
        for vertex in component.sV:
            x, y = vertex.view.xy
            graph.node(vertex.data).box = Box(
                x=x,
                y=y,
                width=vertex.view.w,
                height=vertex.view.h,
                layer=layout.grx[vertex].rank,
            )
        for edge in component.sE:
            routes[(edge.v[0].data, edge.v[1].data)] = _route(layout, edge)
        offset = left + GAP
        height = max(height, bottom)
    for graph_edge in graph.edges:
        graph_edge.route = routes.get((graph_edge.source, graph_edge.target), [])
    graph.width, graph.height = offset - GAP if graph.nodes else 0.0, height
    return graph


def _separate(layout: Any, offset: float) -> tuple[float, float]:
    """Shift the component right of `offset` and push apart any neighbours in a layer that
    grandalf's averaged placement left overlapping; returns its right and bottom edges."""
    lowest = min(v.view.xy[0] - v.view.w / 2 for layer in layout.layers for v in layer)
    right = bottom = 0.0
    for layer in layout.layers:
        previous_edge: float | None = None
        for vertex in sorted(layer, key=lambda v: v.view.xy[0]):
            x, y = vertex.view.xy
            x += offset - lowest
            if previous_edge is not None:
                x = max(x, previous_edge + GAP + vertex.view.w / 2)
            vertex.view.xy = (x, y)
            previous_edge = x + vertex.view.w / 2
            right = max(right, previous_edge)
            bottom = max(bottom, y + vertex.view.h / 2)
    return right, bottom


def _route(layout: Any, edge: Any) -> list[tuple[float, float]]:
    """The edge's polyline: from the source's bottom, through the dummy points of a long
    edge, to the target's top."""
    source, target = edge.v
    points = [(source.view.xy[0], source.view.xy[1] + source.view.h / 2)]
    ctrl = layout.ctrls.get(edge, {})
    first, last = layout.grx[source].rank, layout.grx[target].rank
    points += [ctrl[rank].view.xy for rank in range(first + 1, last)]
    points.append((target.view.xy[0], target.view.xy[1] - target.view.h / 2))
    return [(round(x, 1), round(y, 1)) for x, y in points]
