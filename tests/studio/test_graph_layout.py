"""The layout: no two nodes overlap, every edge goes down from a lower layer to a higher one,
for the examples and for random DAGs."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from fnplan.studio.graph import GraphEdge, Node, WorkflowGraph
from fnplan.studio.layout import lay_out


def _check(graph: WorkflowGraph) -> None:
    boxes = [(node.id, node.box) for node in graph.nodes]
    for index, (first, a) in enumerate(boxes):
        assert a is not None
        assert a.x - a.width / 2 >= 0 and a.y - a.height / 2 >= 0
        assert a.x + a.width / 2 <= graph.width + 1e-6
        assert a.y + a.height / 2 <= graph.height + 1e-6
        for second, b in boxes[index + 1 :]:
            assert b is not None
            apart_x = abs(a.x - b.x) >= (a.width + b.width) / 2
            apart_y = abs(a.y - b.y) >= (a.height + b.height) / 2
            assert apart_x or apart_y, f"{first} overlaps {second}"
    for edge in graph.edges:
        source, target = graph.node(edge.source).box, graph.node(edge.target).box
        assert source is not None and target is not None
        assert source.layer < target.layer, edge
        assert target.y > source.y
        ys = [y for _, y in edge.route]
        assert ys == sorted(ys), edge.route
        assert edge.route[0] == (source.x, source.y + source.height / 2)
        assert edge.route[-1] == (target.x, target.y - target.height / 2)


@st.composite
def dags(draw: st.DrawFn) -> WorkflowGraph:
    count = draw(st.integers(1, 25))
    names = [f"s{i}{'x' * draw(st.integers(0, 20))}" for i in range(count)]
    nodes = [Node(id=f"step.{name}", name=name, type="function") for name in names]
    pairs = draw(
        st.sets(
            st.tuples(st.integers(0, count - 1), st.integers(0, count - 1)).filter(
                lambda p: p[0] < p[1]
            ),
            max_size=3 * count,
        )
    )
    kinds = ["sequential", "data", "conditional", "error"]
    edges = [
        GraphEdge(
            source=nodes[a].id,
            target=nodes[b].id,
            kind=kinds[(a + b) % 4],  # type: ignore[arg-type]
        )
        for a, b in sorted(pairs)
    ]
    return WorkflowGraph(workflow="workflow.random", nodes=nodes, edges=edges)


@settings(max_examples=60, deadline=None)
@given(dags())
def test_random_dags_lay_out_without_overlap_and_downwards(graph: WorkflowGraph) -> None:
    _check(lay_out(graph))


def test_parallel_edges_of_two_kinds_share_a_route() -> None:
    nodes = [Node(id=f"step.{n}", name=n, type="sql") for n in ("a", "b")]
    edges = [
        GraphEdge(source="step.a", target="step.b", kind="data", fields=["x"]),
        GraphEdge(source="step.a", target="step.b", kind="conditional", condition="true"),
    ]
    graph = lay_out(WorkflowGraph(workflow="workflow.w", nodes=nodes, edges=edges))
    _check(graph)
    assert graph.edges[0].route == graph.edges[1].route


def test_empty_workflow_has_an_empty_drawing() -> None:
    graph = lay_out(WorkflowGraph(workflow="workflow.empty"))
    assert (graph.width, graph.height) == (0.0, 0.0)
