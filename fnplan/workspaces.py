"""`fnplan workspace list|show|new|select|delete`: which named state of the backend commands use.

The selection is kept in .fnplan/environment (Terraform's .terraform/environment) and may be
overridden for one command by FNPLAN_WORKSPACE; `fnplan.workspace` in expressions names it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from fnplan.errors import StateError
from fnplan.state.backend import DEFAULT_WORKSPACE, check_workspace_name, require_workspace
from fnplan.workspace import ENVIRONMENT_FILE, WORKSPACE_ENV

if TYPE_CHECKING:
    from fnplan.state.backend import Workspaces
    from fnplan.workspace import Workspace


def list_workspaces(project: Workspace) -> list[str]:
    """Every workspace of the project's backend, sorted."""
    return _backend(project).list()


def new_workspace(project: Workspace, name: str) -> None:
    """Create workspace `name` (with an empty state) and select it."""
    check_workspace_name(name)
    _backend(project).new(name)
    _write_selection(project, name)


def select_workspace(project: Workspace, name: str) -> None:
    """Make `name`, which must exist, the workspace later commands use."""
    require_workspace(_backend(project), name)
    _write_selection(project, name)


def delete_workspace(project: Workspace, name: str, *, force: bool = False) -> None:
    """Remove a workspace's state; refused for default, the selected one, or one whose state
    still records deployed objects (they would be left running, unmanaged) unless forced."""
    backend = _backend(project)
    if name == DEFAULT_WORKSPACE:
        raise StateError("the default workspace cannot be deleted")
    require_workspace(backend, name)
    if name == project.workspace_name:
        raise StateError(
            f"workspace {name!r} is selected and cannot be deleted",
            hint="select another one first: fnplan workspace select default",
        )
    recorded = len(backend.state(name).read().resources)
    if recorded and not force:
        raise StateError(
            f"workspace {name!r} still records {recorded} deployed object(s); deleting its "
            "state would leave them running, unmanaged",
            hint=f"destroy them first (fnplan workspace select {name} && fnplan destroy), "
            "or delete anyway with --force",
        )
    backend.delete(name)


def _backend(project: Workspace) -> Workspaces:
    return project.workspaces(project.backend_block())


def _write_selection(project: Workspace, name: str) -> None:
    if os.environ.get(WORKSPACE_ENV):
        raise StateError(
            f"{WORKSPACE_ENV} is set ({os.environ[WORKSPACE_ENV]!r}) and overrides the selection",
            hint=f"unset {WORKSPACE_ENV} to select a workspace with this command",
        )
    project.settings_dir.mkdir(parents=True, exist_ok=True)
    path = project.settings_dir / ENVIRONMENT_FILE
    temporary = path.with_name(f".{ENVIRONMENT_FILE}.{os.getpid()}.tmp")
    temporary.write_text(name + "\n")
    os.replace(temporary, path)
