"""Workflow documents: steps, the four kinds of edges, and the `workflow.NAME` resource.

Edges: sequential (depends_on), data (a `step.X.output` reference in input, params,
connection, http url/headers/body or shell env), conditional (a reference in `when`) and error
(a catch: step -> its `next`). A document step's `depends_on` lists every step it waits for to
succeed (the sources of its sequential, data and conditional edges); error edges are only
in `edges`.

A document holds what runs, not where it was written: steps carry no source position, so a
comment or reformatting changes no version and makes no plan (messages at compile time take
positions from the configuration, beside the document).
"""

from __future__ import annotations

from typing import Any

from fnplan.compile.canonical import plain
from fnplan.compile.drafts import Draft, DraftWorkflow
from fnplan.compile.exprs import step_references
from fnplan.compile.identity import document_version
from fnplan.resources import Resource
from fnplan.workflow.model import Edge, FunctionCall, Step, WorkflowCall, WorkflowDocument


def build_document(
    draft: DraftWorkflow,
    functions: dict[str, FunctionCall],
    workflows: dict[str, WorkflowCall],
) -> WorkflowDocument:
    """The document of an expanded draft whose function and workflow calls are resolved."""
    steps: list[Step] = []
    edges: list[Edge] = []
    for draft_step in draft.steps.values():
        incoming = _edges(draft_step)
        edges.extend(incoming)
        waits = sorted({edge.source for edge in incoming if edge.kind != "error"})
        steps.append(_step(draft_step, waits, functions, workflows))
    for draft_step in draft.steps.values():
        edges.extend(
            Edge(source=draft_step.name, target=rule.next, kind="error")
            for rule in draft_step.catch
        )
    workflow = draft.entry.block
    return WorkflowDocument(
        name=workflow.name,
        address=draft.address,
        isolation=workflow.isolation,
        input_schema=draft.input_schema,
        output_schema=draft.output_schema,
        steps=steps,
        edges=_unique(edges),
        output=plain(draft.output),
    )


def workflow_resource(draft: DraftWorkflow, document: WorkflowDocument, provider: str) -> Resource:
    """The `workflow.NAME` resource; it depends on every function and workflow it calls."""
    data = document.model_dump(mode="json")
    called = {step.function.address for step in document.steps if step.function is not None}
    called |= {step.workflow.address for step in document.steps if step.workflow is not None}
    return Resource(
        address=draft.address,
        type="workflow",
        provider=provider,
        attributes={
            "name": document.name,
            "isolation": document.isolation,
            "document": data,
            "version": document_version(data),
        },
        depends_on=sorted(called),
        group=draft.address,
        pos=draft.entry.block.pos,
    )


def _edges(step: Draft) -> list[Edge]:
    """The sequential, data and conditional edges into `step`."""
    found = [Edge(source=name, target=step.name, kind="sequential") for name in step.depends_on]
    for value in step.data_values():
        found += [
            Edge(source=str(path[0]), target=step.name, kind="data")
            for path in step_references(value)
        ]
    found += [
        Edge(source=str(path[0]), target=step.name, kind="conditional")
        for path in step_references(step.when)
    ]
    return _unique(found)


def _unique(edges: list[Edge]) -> list[Edge]:
    seen: dict[tuple[str, str, str], Edge] = {}
    for edge in edges:
        seen.setdefault((edge.source, edge.target, edge.kind), edge)
    return list(seen.values())


def _step(
    draft: Draft,
    waits: list[str],
    functions: dict[str, FunctionCall],
    workflows: dict[str, WorkflowCall],
) -> Step:
    return Step(
        name=draft.name,
        type=draft.type,
        function=functions.get(draft.name),
        workflow=workflows.get(draft.name),
        sql=_plain_model(draft.sql),
        shell=_plain_model(draft.shell),
        http=_plain_model(draft.http),
        input=plain(draft.input),
        when=plain(draft.when),
        depends_on=waits,
        retry=draft.retry,
        catch=draft.catch,
        resources=draft.resources,
    )


def _plain_model(model: Any) -> Any:
    return None if model is None else type(model)(**plain(model.model_dump()))
