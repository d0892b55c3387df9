"""`fnplan diff [REV_A] [REV_B]`: each workflow's difference between two revisions of the
configuration, as graph operations (`fnplan edit` applies them) or a marked Mermaid graph."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from fnplan.errors import FnplanError

if TYPE_CHECKING:
    from fnplan.compile.model import Desired
    from fnplan.config.model import Config
    from fnplan.studio.diff import WorkflowDiff
    from fnplan.studio.graph import WorkflowGraph

DiffFormat = Literal["text", "json", "mermaid"]
#: the revision name meaning the files as they are on disk
WORKING_TREE = "working tree"


@dataclass
class Revision:
    """One side of a diff: its name, loaded configuration and compiled form."""

    name: str
    config: Config
    desired: Desired
    directory: Path


@dataclass
class ConfigurationDiff:
    """The operations plus both sides, for drawing."""

    old: Revision
    new: Revision
    workflows: WorkflowDiff
    graphs: dict[str, tuple[WorkflowGraph | None, WorkflowGraph | None]] = field(
        default_factory=dict
    )


def diff_revisions(
    directory: Path,
    old: str = "HEAD",
    new: str | None = None,
    variables: Mapping[str, str] | None = None,
    var_files: tuple[Path, ...] = (),
) -> ConfigurationDiff:
    """Compare the configuration at `old` with the one at `new` (None: the working tree)."""
    from fnplan.operations.revisions import checkout_free_copy
    from fnplan.studio.diff import diff_workflows

    with checkout_free_copy(directory, old) as old_dir:
        before = _relocated(_compiled(old, old_dir, variables, var_files), directory)
        if new is None:
            after = _compiled(WORKING_TREE, directory, variables, var_files)
        else:
            with checkout_free_copy(directory, new) as new_dir:
                after = _relocated(_compiled(new, new_dir, variables, var_files), directory)
    workflows = diff_workflows(before.config.workflows, after.config.workflows)
    return ConfigurationDiff(before, after, workflows, _graphs(before, after, workflows))


def _compiled(
    name: str,
    directory: Path,
    variables: Mapping[str, str] | None,
    var_files: tuple[Path, ...],
) -> Revision:
    """Load and compile one revision (with an empty state: a diff deploys nothing)."""
    from fnplan.workspace import Workspace

    workspace = Workspace(directory, variables=variables or {}, var_files=var_files)
    try:
        config = workspace.load()
        desired = workspace.compile(config, None)
    except FnplanError as error:
        if name == WORKING_TREE:
            raise
        raise FnplanError(
            f"the configuration at revision {name} is not valid: {error.message}",
            notes=error.notes,
        ) from error
    return Revision(name, config, desired, directory)


def _relocated(revision: Revision, directory: Path) -> Revision:
    """The revision's workflows as if read from `directory`: values built from the project's
    path (`path.module`) name the real directory, not the scratch copy, so they compare equal."""
    from fnplan.config.model import Workflow

    scratch, real = str(revision.directory), str(directory)
    revision.config.workflows = {
        name: Workflow.model_validate(_replace(workflow.model_dump(), scratch, real))
        for name, workflow in revision.config.workflows.items()
    }
    return revision


def _replace(value: Any, old: str, new: str) -> Any:
    """`value` with `old` replaced by `new` in every string inside it."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {key: _replace(item, old, new) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace(item, old, new) for item in value]
    return value


def _graphs(
    before: Revision, after: Revision, workflows: WorkflowDiff
) -> dict[str, tuple[WorkflowGraph | None, WorkflowGraph | None]]:
    """Both sides' graphs of every workflow the diff touches (None where it is absent)."""
    from fnplan.operations.workflow_graphs import graph_of

    touched = {op["workflow"] for op in workflows.operations}
    touched |= set(workflows.added_workflows) | set(workflows.removed_workflows)
    graphs: dict[str, tuple[WorkflowGraph | None, WorkflowGraph | None]] = {}
    for address in sorted(touched):
        sides = [
            graph_of(side.config, side.desired, address)
            if address.removeprefix("workflow.") in side.config.workflows
            else None
            for side in (before, after)
        ]
        graphs[address] = (sides[0], sides[1])
    return graphs


def diff_text(diff: ConfigurationDiff, form: DiffFormat) -> str:
    """The diff as text lines, a JSON document, or Markdown with one Mermaid graph per
    workflow."""
    if form == "json":
        return diff.workflows.model_dump_json(indent=2)
    if form == "mermaid":
        return _mermaid(diff)
    from fnplan.studio.diff_text import describe

    lines = [f"--- {diff.old.name}", f"+++ {diff.new.name}"]
    body = describe(diff.workflows)
    return "\n".join([*lines, *(body or ["No differences in the workflows."])])


def _mermaid(diff: ConfigurationDiff) -> str:
    """Markdown: a heading and a fenced Mermaid diagram per changed workflow."""
    from fnplan.studio.diff import renames_of
    from fnplan.studio.diff_mermaid import marked_mermaid

    parts: list[str] = []
    for address, (old, new) in diff.graphs.items():
        changed = {
            f"step.{op['step']}"
            for op in diff.workflows.operations
            if op["workflow"] == address and op["op"] in {"set_attribute", "unset_attribute"}
        }
        renamed = renames_of(diff.workflows, address)
        diagram = marked_mermaid(old, new, changed, renamed)
        parts += [f"### {address}", "", "```mermaid", diagram, "```", ""]
    return "\n".join(parts) if parts else "No differences in the workflows."
