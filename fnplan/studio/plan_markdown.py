"""A saved plan as Markdown for a pull-request comment: the counts, each block's changes with
attribute diffs folded in <details>, each changed workflow's graph diff as Mermaid, and
sensitive values hidden."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from fnplan.plan.model import AttrChange, OutputChange, Plan, ResourceChange
from fnplan.plan.redact import hide
from fnplan.plan.render import summary_line
from fnplan.plan.unknowns import UNKNOWN_TEXT
from fnplan.studio.diff_mermaid import marked_mermaid
from fnplan.studio.graph import WorkflowGraph, build_graph
from fnplan.workflow.model import WorkflowDocument

_SYMBOL = {"create": "+", "update": "~", "delete": "-", "replace": "-/+"}
_HEADLINE = {
    "create": "will be created",
    "update": "will be updated in place",
    "delete": "will be destroyed",
    "replace": "must be replaced",
}
_MAX_VALUE = 300


def plan_markdown(plan: Plan) -> str:
    """The whole plan as Markdown."""
    secrets = frozenset(plan.redact)
    lines = ["## fnplan plan", "", f"**{summary_line(plan)}**", ""]
    changes = [c for c in plan.changes if c.action != "noop" or c.importing or c.moved_from]
    groups: dict[str, list[ResourceChange]] = {}
    for change in changes:
        groups.setdefault(change.group or change.address, []).append(change)
    for group, members in groups.items():
        lines += [f"### `{group}`", ""]
        for change in members:
            lines += _change(change, secrets)
    outputs = [output for output in plan.outputs if output.action != "noop"]
    if outputs:
        lines += ["### Outputs", ""]
        lines += [_output(output, secrets) for output in outputs]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _change(change: ResourceChange, secrets: Collection[str]) -> list[str]:
    """One resource's headline, its folded attribute diff and its workflow graph diff."""
    headline = _HEADLINE.get(change.action, "stays as it is")
    extras = [f"moved from `{change.moved_from}`"] if change.moved_from else []
    extras += [f"imported from `{change.importing}`"] if change.importing else []
    suffix = f" ({', '.join(extras)})" if extras else ""
    lines = [f"- `{_SYMBOL.get(change.action, ' ')}` **`{change.address}`** {headline}{suffix}"]
    lines += [f"  - {reason}" for reason in change.reasons]
    attributes = change.changes or _created(change)
    if attributes:
        count = len(attributes)
        lines += [
            "",
            f"  <details><summary>{count} attribute{'s' if count != 1 else ''}</summary>",
            "",
            "  ```diff",
            *(f"  {line}" for attr in attributes for line in _attribute(attr, secrets)),
            "  ```",
            "",
            "  </details>",
        ]
    graph = _workflow_diff(change)
    if graph:
        lines += ["", "  Workflow graph:", "", "  ```mermaid"]
        lines += [f"  {line}" for line in graph.splitlines()]
        lines += ["  ```"]
    return [*lines, ""]


def _created(change: ResourceChange) -> list[AttrChange]:
    """A created resource's attributes, each shown as added (its workflow document aside:
    the graph shows it)."""
    if change.action != "create" or change.resource is None:
        return []
    return [
        AttrChange(path=key, after=value)
        for key, value in change.resource.attributes.items()
        if key != "document"
    ]


def _attribute(change: AttrChange, secrets: Collection[str]) -> list[str]:
    """Diff lines of one attribute: the old value removed, the new one added."""
    after = UNKNOWN_TEXT if change.known_after_apply else _value(change.after, secrets)
    forces = "  # forces replacement" if change.forces_replacement else ""
    lines = []
    if change.before is not None:
        lines.append(f"- {change.path} = {_value(change.before, secrets)}")
    if change.after is not None or change.known_after_apply:
        lines.append(f"+ {change.path} = {after}{forces}")
    return lines


def _value(value: Any, secrets: Collection[str]) -> str:
    """A value on one line, sensitive parts hidden, long ones shortened, fences defused."""
    shown = hide(value, secrets)
    text = json.dumps(shown, sort_keys=True, default=str)
    if len(text) > _MAX_VALUE:
        text = text[: _MAX_VALUE - 1] + "…"
    return text.replace("```", "`\u200b``")


def _output(output: OutputChange, secrets: Collection[str]) -> str:
    """One output's line."""
    if output.sensitive:
        value = "(sensitive value)"
    elif output.known_after_apply:
        value = UNKNOWN_TEXT
    else:
        value = _value(output.after, secrets)
    return f"- `{_SYMBOL.get(output.action, ' ')}` `output.{output.name}` = {value}"


def _workflow_diff(change: ResourceChange) -> str | None:
    """A workflow resource's graph, old against new, as marked Mermaid; None for others or
    when its steps did not change."""
    if change.type != "workflow":
        return None
    before = _document((change.before or {}).get("document"))
    after = _document(change.resource.attributes.get("document") if change.resource else None)
    if before is None and after is None:
        return None
    old, new = _graph(before), _graph(after)
    changed = _changed_steps(before, after)
    if old and new and old.model_dump() == new.model_dump() and not changed:
        return None
    return marked_mermaid(old, new, changed)


def _document(value: Any) -> WorkflowDocument | None:
    """The compiled workflow document of a plan's attributes, if it is one."""
    return WorkflowDocument.model_validate(value) if isinstance(value, dict) else None


def _graph(document: WorkflowDocument | None) -> WorkflowGraph | None:
    return build_graph(document) if document is not None else None


def _changed_steps(before: WorkflowDocument | None, after: WorkflowDocument | None) -> set[str]:
    """Ids of the steps both sides have whose compiled definition differs."""
    if before is None or after is None:
        return set()
    old = {step.name: step.model_dump() for step in before.steps}
    return {
        f"step.{step.name}"
        for step in after.steps
        if step.name in old and old[step.name] != step.model_dump()
    }
