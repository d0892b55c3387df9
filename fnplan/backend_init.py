"""What `fnplan init` does with the backend: remember the one configured (.fnplan/backend.json,
as Terraform's .terraform/terraform.tfstate), notice when it changed, and migrate states.

Without a record the previous backend is the default local one, where every project's
state lived before backends could be chosen.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fnplan.errors import StateError

if TYPE_CHECKING:
    from fnplan.compile.model import BackendSpec
    from fnplan.config.model import Backend
    from fnplan.state.backend import Workspaces
    from fnplan.state.migrate import Migrated
    from fnplan.workspace import Workspace

RECORD_FILE = "backend.json"


@dataclass(frozen=True)
class BackendChoice:
    """A backend's type and settings, comparable between runs."""

    type: str
    config: dict[str, Any]

    def describe(self) -> str:
        return f'backend "{self.type}"'


def init_backend(
    project: Workspace, block: Backend | BackendSpec, *, migrate: bool, reconfigure: bool
) -> list[Migrated]:
    """Record the configured backend; with `migrate`, first copy every state from the
    previously recorded one. A changed backend without either flag is an error, so states
    are never silently left behind."""
    from fnplan.compile.model import BackendSpec

    if migrate and reconfigure:
        raise StateError("--migrate-state and --reconfigure exclude each other; choose one")
    current = BackendChoice(block.type, dict(block.config))
    recorded = _recorded(project)
    previous = recorded or BackendChoice("local", {})
    source = project.workspaces(BackendSpec(type=previous.type, config=previous.config))
    moved: list[Migrated] = []
    if migrate:
        if previous == current:
            raise StateError(
                f"the backend has not changed since the last init ({current.describe()}); "
                "there is nothing to migrate"
            )
        from fnplan.state.migrate import migrate_states

        moved = migrate_states(source, project.workspaces(block))
    elif previous != current and not reconfigure and (recorded or _has_states(source)):
        raise StateError(
            f"the backend changed since the last init: {previous.describe()} "
            f"{previous.config} -> {current.describe()} {current.config}",
            hint="copy the states with: fnplan init --migrate-state, or use the new backend "
            "as it is with: fnplan init --reconfigure",
        )
    _record(project, current)
    return moved


def _has_states(backend: Workspaces) -> bool:
    """Whether any workspace of `backend` has a saved state (that a change would leave)."""
    return any(backend.state(name).read().serial > 0 for name in backend.list())


def _recorded(project: Workspace) -> BackendChoice | None:
    try:
        data = json.loads((project.settings_dir / RECORD_FILE).read_text())
        return BackendChoice(str(data["type"]), dict(data["config"]))
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError):
        raise StateError(
            f"{project.settings_dir / RECORD_FILE} is not a backend record",
            hint="delete it and run fnplan init again",
        ) from None


def _record(project: Workspace, choice: BackendChoice) -> None:
    """Written 0600: a pg connection string may carry a password."""
    project.settings_dir.mkdir(parents=True, exist_ok=True)
    path = project.settings_dir / RECORD_FILE
    temporary = path.with_name(f".{RECORD_FILE}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"type": choice.type, "config": choice.config}, handle, sort_keys=True)
    os.replace(temporary, path)
