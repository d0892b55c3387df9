"""Dependency graphs of resources (networkx): an edge A -> B means B depends on A,
so B is created after A and deleted before it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from fnplan.resources import Resource


def dependency_graph(resources: Mapping[str, Resource]) -> nx.DiGraph:
    """The graph of desired resources; dependencies on addresses not in the mapping are ignored."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(resources)
    graph.add_edges_from(
        (dep, address)
        for address, resource in resources.items()
        for dep in resource.depends_on
        if dep in resources
    )
    return graph


def with_dependencies(graph: nx.DiGraph, addresses: Iterable[str]) -> set[str]:
    """The given addresses plus everything they (transitively) depend on."""
    import networkx as nx

    return _closure(graph, addresses, nx.ancestors)


def _closure(
    graph: nx.DiGraph, addresses: Iterable[str], reach: Callable[[nx.DiGraph, str], set[str]]
) -> set[str]:
    """The addresses in the graph plus all that `reach` finds from each of them."""
    found: set[str] = set()
    for address in addresses:
        if address in graph:
            found.add(address)
            found |= reach(graph, address)
    return found


def shortest_cycle(graph: nx.DiGraph) -> list[str] | None:
    """The shortest cycle as [a, b, ..., a], or None if the graph is acyclic."""
    import networkx as nx

    if nx.is_directed_acyclic_graph(graph):
        return None
    best: list[str] | None = None
    for component in nx.strongly_connected_components(graph):
        if len(component) == 1:
            (node,) = component
            if graph.has_edge(node, node):
                return [node, node]
            continue
        for node in component:
            for pred in graph.predecessors(node):
                if pred not in component:
                    continue
                path = nx.shortest_path(graph, node, pred)
                if best is None or len(path) + 1 < len(best):
                    best = [*path, node]
    return best
