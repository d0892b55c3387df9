"""Reference cycles among the values evaluation must compute in order: locals, variable
validations, runtime `base` chains, outputs and module inputs. A cycle is reported as the
shortest one, with the position of every reference along it."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

from fnplan.config.files import ModuleFiles
from fnplan.config.syntax import Block
from fnplan.errors import ConfigError, SourcePos
from fnplan.expr import ast, references

#: reference roots whose targets must be evaluated first (runtime only through `base`)
_VALUE_ROOTS = {"local": "local", "var": "var", "module": "module"}

Edges = dict[str, dict[str, SourcePos]]  # node -> target -> position of the first reference


def check_reference_cycles(files: ModuleFiles) -> None:
    """Raise ConfigError describing the shortest reference cycle, if there is one."""
    edges = _edges(files)
    if not _has_cycle(edges):
        return
    import networkx as nx

    from fnplan.graph import shortest_cycle

    graph = nx.DiGraph()
    graph.add_edges_from(
        (source, target) for source, targets in edges.items() for target in targets
    )
    cycle = shortest_cycle(graph)
    assert cycle is not None
    cycle = _rotate(cycle)
    steps = [f"{node} ({edges[node][target]})" for node, target in pairwise(cycle)]
    raise ConfigError(
        f"reference cycle: {' -> '.join([*steps, cycle[0]])}",
        pos=edges[cycle[0]][cycle[1]],
        hint="break the cycle: one of these values must not depend on the others",
    )


def _edges(files: ModuleFiles) -> Edges:
    edges: Edges = {}
    for name, attribute in files.locals.items():
        _add(edges, f"local.{name}", [attribute.expr], files)
    for name, block in files.variables.items():
        node = f"var.{name}"
        exprs = [a.expr for v in block.body.blocks for a in v.body.attributes.values()]
        _add(edges, node, exprs, files, skip=node)
    for name, block in files.blocks_of("runtime").items():
        base = block.body.attributes.get("base")
        if base is not None:
            _add(edges, f"runtime.{name}", [base.expr], files, roots={"runtime": "runtime"})
    for name, block in files.blocks_of("output").items():
        _add(edges, f"output.{name}", _all_exprs(block), files)
    for name, block in files.modules.items():
        _add(edges, f"module.{name}", _all_exprs(block), files)
    return edges


def _all_exprs(block: Block) -> list[ast.Expr]:
    return [attribute.expr for attribute in block.body.attributes.values()]


def _add(
    edges: Edges,
    node: str,
    exprs: Iterable[ast.Expr],
    files: ModuleFiles,
    *,
    skip: str | None = None,
    roots: dict[str, str] = _VALUE_ROOTS,
) -> None:
    targets = edges.setdefault(node, {})
    for expr in exprs:
        for reference in references(expr):
            kind = roots.get(reference.root)
            if kind is None or not reference.path or not isinstance(reference.path[0], str):
                continue
            target = f"{kind}.{reference.path[0]}"
            if target != skip and _declared(files, kind, reference.path[0]):
                targets.setdefault(target, reference.pos)


def _declared(files: ModuleFiles, kind: str, name: str) -> bool:
    if kind == "local":
        return name in files.locals
    return name in files.blocks_of({"var": "variable"}.get(kind, kind))


def _has_cycle(edges: Edges) -> bool:
    """Kahn's algorithm: cheap enough to run on every load without importing networkx."""
    indegree = {node: 0 for node in edges}
    for targets in edges.values():
        for target in targets:
            indegree[target] = indegree.get(target, 0) + 1
    ready = [node for node, degree in indegree.items() if degree == 0]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for target in edges.get(node, ()):
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    return seen < len(indegree)


def _rotate(cycle: list[str]) -> list[str]:
    """Start the cycle [a, b, ..., a] at its alphabetically first node, for stable messages."""
    nodes = cycle[:-1]
    start = nodes.index(min(nodes))
    rotated = nodes[start:] + nodes[:start]
    return [*rotated, rotated[0]]
