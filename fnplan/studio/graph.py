"""One workflow's graph, built from its compiled document: nodes are steps (ids are step
addresses, stable across edits elsewhere), edges carry their kind and what they depend on."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fnplan.workflow.model import EdgeKind, NodeType, WorkflowDocument

_FIELD = re.compile(r"\bstep\.([A-Za-z_][A-Za-z0-9_]*)\.output\.([A-Za-z_][A-Za-z0-9_]*)")
#: inline expansions name their steps PARENT__CHILD (fnplan.compile flattens them so)
_INLINE_SEPARATOR = "__"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Box(_Model):
    """Where the layout puts a node: its centre (x, y) and size, in pixels."""

    x: float
    y: float
    width: float
    height: float
    layer: int


class Node(_Model):
    """One step of the workflow."""

    id: str  # "step.NAME" (unfolded children: "step.PARENT.step.CHILD")
    name: str
    type: NodeType
    target: str | None = None  # the function or workflow it calls
    group: str | None = None  # the inline expansion or unfolded call it belongs to
    pos: str | None = None  # "file:line:column" of the step block, when known
    box: Box | None = None


class GraphEdge(_Model):
    """A dependency between two steps; `fields` for data edges, `condition` for conditional."""

    source: str
    target: str
    kind: EdgeKind
    fields: list[str] = Field(default_factory=list)
    condition: str | None = None
    route: list[tuple[float, float]] = Field(default_factory=list)


class Group(_Model):
    """Steps drawn together: an inline expansion or an unfolded nested workflow."""

    id: str
    label: str
    kind: Literal["inline", "call"]
    members: list[str]


class WorkflowGraph(_Model):
    """What `fnplan graph workflow.NAME --format json` prints (schemas/graph.schema.json)."""

    workflow: str
    nodes: list[Node] = Field(default_factory=list)
    edges: list[GraphEdge] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)
    width: float = 0.0
    height: float = 0.0

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError when there is none)."""
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)


def step_id(name: str, prefix: str = "") -> str:
    """A step's node id: its address inside the workflow."""
    return f"{prefix}step.{name}"


def build_graph(
    document: WorkflowDocument,
    documents: Mapping[str, WorkflowDocument] | None = None,
    *,
    unfold: bool = False,
    positions: Mapping[str, str] | None = None,
) -> WorkflowGraph:
    """The graph of one workflow; with `unfold`, steps that call a workflow found in
    `documents` are replaced by that workflow's steps, drawn as a group."""
    graph = WorkflowGraph(workflow=document.address)
    _add_document(graph, document, documents or {}, unfold, positions or {}, "", set())
    return graph


def _add_document(
    graph: WorkflowGraph,
    document: WorkflowDocument,
    documents: Mapping[str, WorkflowDocument],
    unfold: bool,
    positions: Mapping[str, str],
    prefix: str,
    seen: set[str],
) -> None:
    """Add a document's steps and edges under `prefix` (recursing into unfolded calls)."""
    unfolded: dict[str, tuple[list[str], list[str]]] = {}  # step -> its entry, exit ids
    inline: dict[str, list[str]] = {}
    for step in document.steps:
        child = documents.get(step.workflow.address) if step.workflow else None
        if unfold and child is not None and child.address not in seen and child.steps:
            inner = f"{prefix}step.{step.name}."
            _add_document(graph, child, documents, unfold, {}, inner, seen | {child.address})
            members = [n.id for n in graph.nodes if n.id.startswith(inner)]
            graph.groups.append(
                Group(id=step_id(step.name, prefix), label=step.name, kind="call", members=members)
            )
            unfolded[step.name] = _ends(child, inner)
            continue
        target = step.function or step.workflow
        parent, sep, _ = step.name.partition(_INLINE_SEPARATOR)
        group = step_id(parent, prefix) if sep else None
        if sep:
            inline.setdefault(parent, []).append(step_id(step.name, prefix))
        graph.nodes.append(
            Node(
                id=step_id(step.name, prefix),
                name=step.name,
                type=step.type,
                target=target.address if target else None,
                group=group,
                pos=step.pos or positions.get(step.name),
            )
        )
    graph.groups += [
        Group(id=step_id(name, prefix), label=name, kind="inline", members=members)
        for name, members in inline.items()
    ]
    steps = {step.name: step for step in document.steps}
    for edge in document.edges:
        sources = unfolded.get(edge.source, ([], []))[1] or [step_id(edge.source, prefix)]
        targets = unfolded.get(edge.target, ([], []))[0] or [step_id(edge.target, prefix)]
        fields, condition = _edge_detail(edge.kind, edge.source, steps[edge.target].model_dump())
        graph.edges += [
            GraphEdge(
                source=source,
                target=target,
                kind=edge.kind,
                fields=fields,
                condition=condition,
            )
            for source in sources
            for target in targets
        ]


def _ends(document: WorkflowDocument, prefix: str) -> tuple[list[str], list[str]]:
    """The ids of an unfolded workflow's first steps (nothing before them) and last steps
    (nothing after them): edges to and from the folded step attach there."""
    sources = {edge.source for edge in document.edges}
    targets = {edge.target for edge in document.edges}
    names = [step.name for step in document.steps]
    return (
        [step_id(name, prefix) for name in names if name not in targets],
        [step_id(name, prefix) for name in names if name not in sources],
    )


def _edge_detail(kind: str, source: str, target: dict[str, Any]) -> tuple[list[str], str | None]:
    """The output fields a data edge carries, or a conditional edge's condition."""
    if kind == "conditional":
        when = target.get("when")
        return [], when["$expr"] if isinstance(when, dict) else str(when)
    if kind != "data":
        return [], None
    used = {
        match.group(2)
        for text in _expressions({k: v for k, v in target.items() if k != "when"})
        for match in _FIELD.finditer(text)
        if match.group(1) == source
    }
    return sorted(used), None


def _expressions(value: Any) -> Iterator[str]:
    """Every {"$expr": ...} source text inside a JSON value."""
    if isinstance(value, dict):
        if isinstance(value.get("$expr"), str):
            yield value["$expr"]
        else:
            for item in value.values():
                yield from _expressions(item)
    elif isinstance(value, list):
        for item in value:
            yield from _expressions(item)
