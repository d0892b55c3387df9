"""The workspaces of the local backend: `default` at the configured path (today's
`.fnplan/state.json`), every other one in `.fnplan/workspaces/NAME/state.json`.

LocalBackend itself knows nothing of workspaces; each workspace is a LocalBackend on its
own path, so its lock, backup and journal stay beside its state file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from fnplan.errors import LockError, StateError
from fnplan.state.backend import DEFAULT_WORKSPACE, check_workspace_name
from fnplan.state.local import LocalBackend

STATE_FILE = "state.json"


class LocalWorkspaces:
    """Workspaces as directories under `workspace_dir` (satisfies backend.Workspaces)."""

    description = "local"

    def __init__(self, default_path: Path, workspace_dir: Path, *, lock_timeout: float = 0.0):
        self.default_path = default_path
        self.workspace_dir = workspace_dir
        self.lock_timeout = lock_timeout

    def list(self) -> list[str]:
        try:
            names = [p.name for p in self.workspace_dir.iterdir() if p.is_dir()]
        except FileNotFoundError:
            names = []
        return sorted({DEFAULT_WORKSPACE, *names})

    def new(self, name: str) -> None:
        check_workspace_name(name)
        if name in self.list():
            raise StateError(f"workspace {name!r} already exists in the local backend")
        (self.workspace_dir / name).mkdir(parents=True)

    def delete(self, name: str) -> None:
        """Remove the workspace's directory (state, backup, journal); refused while locked."""
        holder = self.state(name).current_lock()
        if holder is not None:
            raise LockError(f"workspace {name!r} is locked: {holder.describe()}")
        shutil.rmtree(self.workspace_dir / name)

    def state(self, name: str) -> LocalBackend:
        path = self.default_path if name == DEFAULT_WORKSPACE else self.path_of(name)
        return LocalBackend(path, lock_timeout=self.lock_timeout)

    def path_of(self, name: str) -> Path:
        return self.workspace_dir / check_workspace_name(name) / STATE_FILE
