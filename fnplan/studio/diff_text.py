"""Graph operations as lines a reviewer reads: + added, - removed, ~ changed."""

from __future__ import annotations

from fnplan.studio.diff import Operation, WorkflowDiff


def describe(diff: WorkflowDiff) -> list[str]:
    """One line per operation and per workflow added or removed; empty when nothing changed."""
    lines = [f"+ {address} (new workflow)" for address in diff.added_workflows]
    lines += [f"- {address} (removed workflow)" for address in diff.removed_workflows]
    return lines + [f"{op['workflow']}: {_operation(op)}" for op in diff.operations]


def _operation(op: Operation) -> str:
    """How one operation reads."""
    kind = op["op"]
    if kind == "add_step":
        attributes = ", ".join(f"{key} = {value}" for key, value in op["attributes"].items())
        return f"+ step.{op['step']}" + (f" ({attributes})" if attributes else "")
    if kind == "remove_step":
        return f"- step.{op['step']}"
    if kind == "rename_step":
        return f"~ step.{op['step']} renamed to step.{op['to']}"
    if kind in {"add_edge", "remove_edge"}:
        sign = "+" if kind == "add_edge" else "-"
        errors = f" on {', '.join(op['errors'])}" if op.get("errors") else ""
        return f"{sign} edge {op['from']} -> {op['to']} ({op['kind']}{errors})"
    if kind == "set_attribute":
        return f"~ step.{op['step']}.{op['attribute']} = {op['value']}"
    if kind == "unset_attribute":
        return f"~ step.{op['step']}.{op['attribute']} unset"
    return f"~ isolation = {op['isolation']}"
