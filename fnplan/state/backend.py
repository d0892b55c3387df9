"""The interface every state backend implements: local files, PostgreSQL; S3 and Kubernetes next.

As in Terraform, a backend keeps one state per workspace (`Workspaces`), and each state is
read, written, locked and journalled through a `StateBackend`. The engine talks only to
these protocols, so adding a backend never touches plan or apply.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Literal, Protocol

from fnplan.errors import StateError

if TYPE_CHECKING:
    from fnplan.state.lock import LockInfo
    from fnplan.state.model import ResourceState, State

DEFAULT_WORKSPACE = "default"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


class ApplyJournal(Protocol):
    """Intent before and result after each provider call; durable before each call returns,
    so a killed apply is replayed by the next read of the state."""

    def intend(
        self,
        address: str,
        action: Literal["create", "update", "delete"],
        resource: ResourceState | None,
    ) -> None: ...

    def done(self, address: str, result: ResourceState | None) -> None: ...

    def failed(self, address: str, error: str) -> None: ...

    def close(self) -> None: ...


class StateBackend(Protocol):
    """One workspace's state.

    read         the state (new and empty if none), with an interrupted apply's journal replayed
    write        save atomically as the next serial (set in the argument too); a stored state
                 this fnplan cannot read (corrupt, newer format) is never overwritten
    lock         hold the exclusive lock (holder identity + a lease renewed while held)
    force_unlock remove the lock whose ID is given (LockError for any other)
    current_lock who holds the lock now
    journal      open the apply journal, kept durably by the backend itself
    """

    def read(self) -> State: ...

    def write(self, state: State) -> None: ...

    def lock(self, operation: str) -> AbstractContextManager[LockInfo]: ...

    def force_unlock(self, lock_id: str) -> LockInfo: ...

    def current_lock(self) -> LockInfo | None: ...

    def journal(self, state: State) -> ApplyJournal: ...


class Workspaces(Protocol):
    """The named states one backend keeps; `default` always exists and cannot be deleted."""

    #: how messages name the backend ("local", "pg schema fnplan at host:port")
    description: str

    def list(self) -> list[str]: ...

    def new(self, name: str) -> None: ...

    def delete(self, name: str) -> None: ...

    def state(self, name: str) -> StateBackend: ...


def check_workspace_name(name: str) -> str:
    """A workspace name keys files and rows: letters, digits, '-' and '_' only."""
    if not _NAME.fullmatch(name):
        raise StateError(
            f"invalid workspace name {name!r}",
            hint="use 1 to 64 letters, digits, '-' or '_', starting with a letter or digit",
        )
    return name


def require_workspace(backend: Workspaces, name: str) -> None:
    """StateError naming the existing workspaces when `name` is not one of them."""
    if name == DEFAULT_WORKSPACE:
        return
    existing = backend.list()
    if name not in existing:
        raise StateError(
            f"workspace {name!r} does not exist in the {backend.description} backend",
            allowed=existing,
            hint=f"create it with: fnplan workspace new {name}",
        )
