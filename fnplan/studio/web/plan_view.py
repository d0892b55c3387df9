"""The studio's plan: what `fnplan plan` would do now, and for each workflow it changes, the
deployed graph against the configured one, merged, laid out and marked (added, removed,
changed) so the page draws the diff on the graph.

Only addresses, actions and reasons are sent, never attribute values, so nothing sensitive
reaches the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fnplan.plan.model import Plan, ResourceChange
    from fnplan.workflow.model import WorkflowDocument
    from fnplan.workspace import Workspace


def current_plan(workspace: Workspace) -> dict[str, Any]:
    """Plan the project (refreshing what is deployed) and describe it for the page."""
    from fnplan import operations

    with operations.session(workspace, "plan") as session:
        planned = operations.make_plan(session, operations.PlanOptions())
    return plan_view(planned.plan)


def plan_view(plan: Plan) -> dict[str, Any]:
    """The plan's summary, its changes, and the marked graph of every workflow it changes."""
    from fnplan.plan.render import summary_line

    changes = [c for c in plan.changes if c.action != "noop" or c.importing or c.moved_from]
    return {
        "summary": summary_line(plan),
        "changes": [
            {"address": c.address, "action": c.action, "reasons": c.reasons} for c in changes
        ],
        "workflows": {
            change.address: diff
            for change in changes
            if change.type == "workflow" and (diff := workflow_diff(change)) is not None
        },
    }


def workflow_diff(change: ResourceChange) -> dict[str, Any] | None:
    """The deployed and planned graphs of a workflow merged and laid out, with `marks`
    naming each added, removed or changed node id and edge key ("SOURCE->TARGET:KIND")."""
    from fnplan.studio.diff import marked_graph
    from fnplan.studio.graph import WorkflowGraph, build_graph
    from fnplan.studio.layout import lay_out

    before = _document((change.before or {}).get("document"))
    after = _document(change.resource.attributes.get("document") if change.resource else None)
    if before is None and after is None:
        return None
    empty = WorkflowGraph(workflow=change.address)
    old = build_graph(before) if before is not None else empty
    new = build_graph(after) if after is not None else empty
    merged, marks = marked_graph(old, new, changed_steps(before, after))
    return {"graph": lay_out(merged).model_dump(mode="json"), "marks": marks}


def changed_steps(before: WorkflowDocument | None, after: WorkflowDocument | None) -> set[str]:
    """Ids of the steps both documents have whose compiled definition differs (a change the
    graph's shape does not show, such as a new input)."""
    if before is None or after is None:
        return set()
    old = {step.name: step.model_dump(exclude={"pos"}) for step in before.steps}
    return {
        f"step.{step.name}"
        for step in after.steps
        if step.name in old and old[step.name] != step.model_dump(exclude={"pos"})
    }


def _document(value: Any) -> WorkflowDocument | None:
    from fnplan.workflow.model import WorkflowDocument

    return WorkflowDocument.model_validate(value) if isinstance(value, dict) else None
