"""The difference between two revisions of a configuration's workflows, as graph operations
(the inverse of `fnplan edit`: applying them to the old text gives the new graph), and as a
graph with added, removed and changed elements marked, for drawing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fnplan.config.model import Ref, Step, Workflow
from fnplan.studio.graph import GraphEdge, Node, WorkflowGraph
from fnplan.studio.hcl_text import hcl, plain

Operation = dict[str, Any]
Change = Literal["added", "removed", "changed"]
#: attributes that are edges: `depends_on` entries are sequential edges, `catch` blocks error
#: edges; they change through add_edge/remove_edge, never as attributes
_EDGE_ATTRIBUTES = {"depends_on", "catch"}
_DEFAULT_ERRORS = ["any"]


class WorkflowDiff(BaseModel):
    """What changed between two revisions: operations per workflow present in both, and the
    workflows only one revision has."""

    model_config = ConfigDict(extra="forbid")

    operations: list[Operation] = Field(default_factory=list)
    added_workflows: list[str] = Field(default_factory=list)
    removed_workflows: list[str] = Field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.operations or self.added_workflows or self.removed_workflows)


def diff_workflows(old: Mapping[str, Workflow], new: Mapping[str, Workflow]) -> WorkflowDiff:
    """Operations turning each workflow of `old` into the one of the same name in `new`."""
    result = WorkflowDiff(
        added_workflows=[f"workflow.{name}" for name in sorted(set(new) - set(old))],
        removed_workflows=[f"workflow.{name}" for name in sorted(set(old) - set(new))],
    )
    for name in sorted(set(old) & set(new)):
        result.operations += workflow_operations(old[name], new[name])
    return result


def workflow_operations(old: Workflow, new: Workflow) -> list[Operation]:
    """Renames first (a step removed and one added with the same attributes and edges), then
    edges removed, steps added and edges added, attributes changed, and steps removed last, so
    each operation finds what it refers to."""
    address = f"workflow.{new.name}"
    renames = _renames(old, new)
    old = _renamed(old, renames)
    ops: list[Operation] = [
        {"op": "rename_step", "workflow": address, "step": before, "to": after}
        for before, after in renames.items()
    ]
    return ops + _structure_operations(address, old, new)


def _structure_operations(address: str, old: Workflow, new: Workflow) -> list[Operation]:
    """The operations turning `old` into `new` when step names match."""
    old_edges, new_edges = _edges(old), _edges(new)
    removed = [name for name in old.steps if name not in new.steps]
    added = [name for name in new.steps if name not in old.steps]
    ops: list[Operation] = []
    ops += [
        _edge_op("remove_edge", address, edge)
        for edge in old_edges
        if edge not in new_edges and _holder(edge) not in removed
    ]
    ops += [
        {
            "op": "add_step",
            "workflow": address,
            "step": name,
            "attributes": _attributes(new.steps[name]),
        }
        for name in added
    ]
    ops += [_edge_op("add_edge", address, edge) for edge in new_edges if edge not in old_edges]
    for name in new.steps:
        if name in old.steps:
            ops += _attribute_ops(address, name, old.steps[name], new.steps[name])
    ops += [{"op": "remove_step", "workflow": address, "step": name} for name in removed]
    if old.isolation != new.isolation:
        ops.append({"op": "set_isolation", "workflow": address, "isolation": new.isolation})
    return ops


_Edge = tuple[str, str, str, tuple[str, ...]]  # (from step, to step, kind, catch errors)


def _renames(old: Workflow, new: Workflow) -> dict[str, str]:
    """Old name → new name for each step only `old` has whose attributes and edges (with the
    renames found before it applied) equal those of a step only `new` has."""
    added = [name for name in new.steps if name not in old.steps]
    renames: dict[str, str] = {}
    for name in (n for n in old.steps if n not in new.steps):
        candidate = _renamed(old, renames).steps[name]
        match = next((a for a in added if _same_step(candidate, new.steps[a])), None)
        if match is not None:
            renames[name] = match
            added.remove(match)
    return renames


def _same_step(one: Step, other: Step) -> bool:
    """Equal attributes and the same edges held (depends_on, catch)."""
    return _attributes(one) == _attributes(other) and (
        plain(one.depends_on),
        plain(one.catch),
    ) == (plain(other.depends_on), plain(other.catch))


def _renamed(workflow: Workflow, renames: dict[str, str]) -> Workflow:
    """The workflow as `rename_step` leaves it: steps and every `step.OLD` reference renamed."""
    if not renames:
        return workflow
    pattern = re.compile(r"\bstep\.(" + "|".join(map(re.escape, renames)) + r")\b")

    def rename(value: Any) -> Any:
        if isinstance(value, Ref):
            return value.model_copy(update={"address": pattern.sub(_to(renames), value.address)})
        if isinstance(value, BaseModel):
            return value.model_copy(
                update={key: rename(getattr(value, key)) for key in type(value).model_fields}
            )
        if isinstance(value, dict):
            if set(value) == {"$expr"}:
                return {"$expr": pattern.sub(_to(renames), str(value["$expr"]))}
            return {key: rename(item) for key, item in value.items()}
        if isinstance(value, list):
            return [rename(item) for item in value]
        return value

    steps = {
        renames.get(name, name): rename(step).model_copy(update={"name": renames.get(name, name)})
        for name, step in workflow.steps.items()
    }
    return workflow.model_copy(update={"steps": steps, "output": rename(workflow.output)})


def _to(renames: dict[str, str]) -> Callable[[re.Match[str]], str]:
    return lambda match: f"step.{renames[match.group(1)]}"


def _edges(workflow: Workflow) -> list[_Edge]:
    """The workflow's sequential and error edges, in source order."""
    edges: list[_Edge] = []
    for name, step in workflow.steps.items():
        edges += [(dep.name, name, "sequential", ()) for dep in step.depends_on]
        edges += [(name, rule.next.name, "error", tuple(rule.errors)) for rule in step.catch]
    return edges


def _holder(edge: _Edge) -> str:
    """The step whose text holds the edge: a `depends_on` entry is in its target, a `catch`
    block in its source (removing that step removes the edge with it)."""
    return edge[1] if edge[2] == "sequential" else edge[0]


def _edge_op(op: str, workflow: str, edge: _Edge) -> Operation:
    """An add_edge/remove_edge operation; error edges carry their errors unless "any"."""
    source, target, kind, errors = edge
    operation: Operation = {
        "op": op,
        "workflow": workflow,
        "from": f"step.{source}",
        "to": f"step.{target}",
        "kind": kind,
    }
    if kind == "error" and list(errors) != _DEFAULT_ERRORS:
        operation["errors"] = list(errors)
    return operation


def _attributes(step: Step) -> dict[str, str]:
    """A step's attributes that differ from the defaults, as HCL source text."""
    default = _DEFAULT_STEP
    return {
        key: hcl(plain(getattr(step, key)))
        for key in _ATTRIBUTE_NAMES
        if plain(getattr(step, key)) != plain(getattr(default, key))
    }


def _attribute_ops(workflow: str, name: str, old: Step, new: Step) -> list[Operation]:
    """set_attribute for each attribute whose value changed, unset_attribute for those the
    new revision leaves at their default."""
    before, after = _attributes(old), _attributes(new)
    ops: list[Operation] = []
    for key in _ATTRIBUTE_NAMES:
        if key in after and before.get(key) != after[key]:
            ops.append(
                {
                    "op": "set_attribute",
                    "workflow": workflow,
                    "step": name,
                    "attribute": key,
                    "value": after[key],
                }
            )
        elif key in before and key not in after:
            ops.append(
                {"op": "unset_attribute", "workflow": workflow, "step": name, "attribute": key}
            )
    return ops


_ATTRIBUTE_NAMES = [
    key
    for key in Step.model_fields
    if key not in {"pos", "positions", "name"} and key not in _EDGE_ATTRIBUTES
]
_DEFAULT_STEP = Step(name="_")


def marked_graph(
    old: WorkflowGraph,
    new: WorkflowGraph,
    changed: Iterable[str] = (),
    renamed: Mapping[str, str] | None = None,
) -> tuple[WorkflowGraph, dict[str, Change]]:
    """The new graph plus the old one's removed nodes and edges, and how each node and edge
    (keyed "SOURCE->TARGET:KIND") changed; unchanged elements are not in the mapping.
    `changed` names nodes whose attributes changed (what the graph itself does not show);
    `renamed` maps old node ids to new ones (a renamed step is changed, not removed+added)."""
    if renamed:
        old = _renamed_graph(old, renamed)
        changed = {*changed, *renamed.values()}
    old_nodes = {node.id: node for node in old.nodes}
    new_nodes = {node.id: node for node in new.nodes}
    marks: dict[str, Change] = {}
    changed_ids = set(changed)
    merged = new.model_copy(deep=True)
    for node in new.nodes:
        before = old_nodes.get(node.id)
        if before is None:
            marks[node.id] = "added"
        elif _node_key(before) != _node_key(node) or node.id in changed_ids:
            marks[node.id] = "changed"
    for node_id, node in old_nodes.items():
        if node_id not in new_nodes:
            marks[node_id] = "removed"
            merged.nodes.append(Node(**{**node.model_dump(), "box": None}))
    old_edges = {edge_key(edge): edge for edge in old.edges}
    new_edges = {edge_key(edge): edge for edge in new.edges}
    for key, edge in new_edges.items():
        before_edge = old_edges.get(key)
        if before_edge is None:
            marks[key] = "added"
        elif (before_edge.fields, before_edge.condition) != (edge.fields, edge.condition):
            marks[key] = "changed"
    for key, edge in old_edges.items():
        if key not in new_edges:
            marks[key] = "removed"
            merged.edges.append(GraphEdge(**{**edge.model_dump(), "route": []}))
    return merged, marks


def _renamed_graph(graph: WorkflowGraph, renamed: Mapping[str, str]) -> WorkflowGraph:
    """The graph with node ids (and edge ends) renamed."""
    nodes = [node.model_copy(update={"id": renamed.get(node.id, node.id)}) for node in graph.nodes]
    edges = [
        edge.model_copy(
            update={
                "source": renamed.get(edge.source, edge.source),
                "target": renamed.get(edge.target, edge.target),
            }
        )
        for edge in graph.edges
    ]
    return graph.model_copy(update={"nodes": nodes, "edges": edges})


def renames_of(diff: WorkflowDiff, workflow: str) -> dict[str, str]:
    """Old node id → new node id for the workflow's rename_step operations."""
    return {
        f"step.{op['step']}": f"step.{op['to']}"
        for op in diff.operations
        if op["workflow"] == workflow and op["op"] == "rename_step"
    }


def edge_key(edge: GraphEdge) -> str:
    """How marks name an edge."""
    return f"{edge.source}->{edge.target}:{edge.kind}"


def _node_key(node: Node) -> tuple[str, str | None, str | None]:
    """What makes a node different, positions aside."""
    return (node.type, node.target, node.group)
