"""`fnplan graph workflow.NAME`: one workflow's graph, laid out and rendered."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fnplan.errors import FnplanError

if TYPE_CHECKING:
    from fnplan.compile.model import Desired
    from fnplan.config.model import Config
    from fnplan.studio.graph import WorkflowGraph
    from fnplan.workflow.model import WorkflowDocument
    from fnplan.workspace import Workspace

WorkflowGraphFormat = Literal["dot", "mermaid", "json", "svg"]


def workflow_documents(desired: Desired) -> dict[str, WorkflowDocument]:
    """Every compiled workflow document of the configuration (modules' too), by address."""
    from fnplan.workflow.model import WorkflowDocument

    return {
        address: WorkflowDocument.model_validate(resource.attributes["document"])
        for address, resource in desired.resources.items()
        if resource.type == "workflow" and "document" in resource.attributes
    }


def graph_of(
    config: Config,
    desired: Desired,
    address: str,
    *,
    unfold: bool = False,
    directory: Path | None = None,
) -> WorkflowGraph:
    """The laid-out graph of the workflow at `address`, with its steps' source positions
    (relative to `directory`, so they name the same place wherever the project is)."""
    from fnplan.studio.graph import build_graph
    from fnplan.studio.layout import lay_out

    documents = workflow_documents(desired)
    if address not in documents:
        raise FnplanError(
            f"no workflow {address!r} in this configuration",
            allowed=[a for a in documents if a.startswith("workflow.")],
        )
    workflow = config.workflows.get(address.removeprefix("workflow."))
    positions = (
        {name: _relative(step.pos, directory) for name, step in workflow.steps.items() if step.pos}
        if workflow is not None and address.count(".") == 1
        else {}
    )
    graph = build_graph(documents[address], documents, unfold=unfold, positions=positions)
    return lay_out(graph)


def workflow_graph_text(
    workspace: Workspace, address: str, form: WorkflowGraphFormat, *, unfold: bool = False
) -> str:
    """The workflow's graph as DOT, Mermaid, JSON (schemas/graph.schema.json) or SVG."""
    from fnplan.studio.render_dot import render_dot
    from fnplan.studio.render_mermaid import render_mermaid
    from fnplan.studio.render_svg import render_svg

    config = workspace.load()
    desired = workspace.compile(config, workspace.backend(config.backend).read())
    graph = graph_of(config, desired, address, unfold=unfold, directory=workspace.directory)
    if form == "json":
        return graph.model_dump_json(indent=2)
    if form == "svg":
        return render_svg(graph)
    return render_mermaid(graph) if form == "mermaid" else render_dot(graph)


def _relative(pos: str, directory: Path | None) -> str:
    """A "file:line:column" position with the file relative to the project directory."""
    file, line, column = pos.rsplit(":", 2)
    if directory is not None and Path(file).is_relative_to(directory.resolve()):
        file = Path(file).relative_to(directory.resolve()).as_posix()
    return f"{file}:{line}:{column}"
