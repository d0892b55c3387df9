"""Graph operations applied to a YAML configuration file through a ruamel.yaml round trip,
which keeps comments, key order and quoting; values are written in their `${...}` form."""

from __future__ import annotations

import io
import re
from typing import Any

from fnplan.errors import FnplanError
from fnplan.studio import ops as o


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1 << 16
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def declares(source: bytes, workflow: str) -> bool:
    """Whether this file holds the workflow `workflow.NAME`."""
    data = _yaml().load(source.decode())
    workflows = data.get("workflow") if isinstance(data, dict) else None
    return isinstance(workflows, dict) and workflow.split(".", 1)[1] in workflows


def apply(source: bytes, op: o.Operation, file: str) -> bytes:
    """The source with one operation applied; raises FnplanError when it cannot be."""
    from ruamel.yaml.comments import CommentedMap

    yaml = _yaml()
    data = yaml.load(source.decode())
    workflow = data["workflow"][op.workflow.split(".", 1)[1]]
    steps = workflow.setdefault("step", CommentedMap())
    if isinstance(op, o.AddStep):
        if op.step in steps:
            raise FnplanError(f"{op.workflow} already has a step {op.step!r}")
        steps[op.step] = CommentedMap({k: _value(v) for k, v in op.attributes.items()})
    elif isinstance(op, o.SetIsolation):
        workflow["isolation"] = op.isolation
    elif isinstance(op, o.AddEdge | o.RemoveEdge):
        _edge(steps, op, op.workflow)
    else:
        step = _step(steps, op.workflow, getattr(op, "step", ""))
        if isinstance(op, o.RemoveStep):
            del steps[op.step]
        elif isinstance(op, o.SetAttribute):
            step[op.attribute] = _value(op.value)
        elif isinstance(op, o.UnsetAttribute):
            if op.attribute not in step:
                raise FnplanError(f"{op.attribute!r} is not set in step {op.step!r} ({file})")
            del step[op.attribute]
        elif isinstance(op, o.RenameStep):
            steps.insert(list(steps).index(op.step), op.to, steps.pop(op.step))
            _rename_refs(steps, op.step, op.to)
        elif isinstance(op, o.MoveStep):
            _move(data["workflow"], steps, op, file)
        else:
            raise FnplanError(f"{op.op} is not supported for YAML files yet ({file})")
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue().encode()


def _value(expression: str) -> str:
    """HCL expression source in YAML's form: one `${...}` interpolation."""
    return f"${{{expression}}}"


def _step(steps: Any, workflow: str, name: str) -> Any:
    if name not in steps:
        raise FnplanError(f"{workflow} has no step {name!r}", allowed=list(steps))
    return steps[name]


def _edge(steps: Any, op: o.AddEdge | o.RemoveEdge, workflow: str) -> None:
    """A `depends_on` entry of the target, or a `catch` entry of the source."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    source, target = op.source.split(".", 1)[1], op.target.split(".", 1)[1]
    entry: Any
    if op.kind == "sequential":
        holder, key, entry = _step(steps, workflow, target), "depends_on", _value(op.source)
    else:
        holder, key = _step(steps, workflow, source), "catch"
        entry = CommentedMap(
            {"errors": CommentedSeq(op.errors or ["any"]), "next": _value(op.target)}
        )
    items = holder.get(key)
    if isinstance(op, o.AddEdge):
        if items is None:
            holder[key] = CommentedSeq([entry])
        else:
            items.append(entry)
        return
    matches = [
        i
        for i, item in enumerate(items or [])
        if item == entry or (isinstance(item, dict) and item.get("next") == _value(op.target))
    ]
    if not matches:
        raise FnplanError(f"{workflow} has no {op.kind} edge {op.source} -> {op.target}")
    del items[matches[0]]
    if not items:
        del holder[key]


def _move(workflows: Any, steps: Any, op: o.MoveStep, file: str) -> None:
    """The step's mapping moved to the end of the steps of `op.into`, in the same file."""
    from ruamel.yaml.comments import CommentedMap

    into = workflows.get(op.into.split(".", 1)[1]) if op.into != op.workflow else None
    if into is None:
        raise FnplanError(f"{op.into} is not declared in {file}, beside {op.workflow}")
    target = into.setdefault("step", CommentedMap())
    if op.step in target:
        raise FnplanError(f"{op.into} already has a step {op.step!r}")
    target[op.step] = steps.pop(op.step)


def _rename_refs(node: Any, old: str, new: str) -> None:
    """Rewrites `step.OLD` in every string under `node`."""
    pattern = re.compile(rf"\bstep\.{re.escape(old)}\b")
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        if isinstance(value, str):
            node[key] = (
                type(value)(pattern.sub(f"step.{new}", value)) if pattern.search(value) else value
            )
        elif isinstance(value, dict | list):
            _rename_refs(value, old, new)
