"""The `s3` state backend: each workspace's state, journal and lock as objects in one bucket.

`backend "s3" { bucket, key, region, profile, endpoint, workspace_key_prefix, dynamodb_table,
use_lockfile }`, laid out as
Terraform's S3 backend lays it out: the default workspace's state at `key`, another
workspace's at `<workspace_key_prefix>/<name>/<key>`; beside each state, `.backup` (the
previous version), `.lock` (the lock object; with `dynamodb_table`, an item of that table
instead) and `.journal/` (the apply journal's records).
A write replaces the state only if it is still the version this backend last read or wrote
(If-Match on its ETag), so even a writer that ignores the lock cannot be overwritten.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fnplan import __version__
from fnplan.errors import LockError, StateError
from fnplan.state.backend import DEFAULT_WORKSPACE, check_workspace_name
from fnplan.state.codec import decode_state, encode_state
from fnplan.state.journal import replay_records
from fnplan.state.lock import DEFAULT_LEASE, Warn, warn_to_stderr
from fnplan.state.model import State
from fnplan.state.remote_backend import RemoteLockedBackend

from .journal import S3Records
from .lock import S3Lock
from .objects import Bucket, PreconditionFailed
from .stores import LockItem, LockObject, LockStore


class S3Backend(RemoteLockedBackend):
    """One workspace's state in S3 (satisfies fnplan.state.backend.StateBackend)."""

    def __init__(
        self,
        bucket: Bucket,
        key: str,
        *,
        lock_timeout: float = 0.0,
        operation_holder: str | None = None,
        lease: float = DEFAULT_LEASE,
        warn: Warn = warn_to_stderr,
        lock_store: LockStore | None = None,
    ) -> None:
        self.bucket = bucket
        self.key = key
        self.source = Path(f"s3://{bucket.name}/{key}")
        self._lock = S3Lock(
            lock_store or LockObject(bucket, f"{key}.lock"),
            timeout=lock_timeout,
            lease=lease,
            who=operation_holder,
            warn=warn,
        )
        #: the apply journal's records (objects under KEY.journal/)
        self.records = S3Records(bucket, f"{key}.journal/")
        self._known_etag: str | None = None

    def read(self) -> State:
        """The recorded state (new and empty if none), with any interrupted apply replayed."""
        stored = self.bucket.get(self.key)
        state = State() if stored is None else decode_state(stored.data, self.source)
        self._known_etag = None if stored is None else stored.etag
        lines = self.records.lines()
        return replay_records(lines, self.source, state, state_exists=stored is not None)

    def write(self, state: State) -> None:
        """Save `state` as the next serial, keeping the previous version as the backup."""
        saved = state.model_copy(update={"serial": state.serial + 1, "fnplan_version": __version__})
        current = self._overwritable()
        self._check_held()
        if current is not None:
            self.bucket.copy(self.key, f"{self.key}.backup")
        try:
            self._known_etag = self.bucket.put(self.key, encode_state(saved), replacing=current)
        except PreconditionFailed:
            raise StateError(
                f"{self.source}: the state changed while this fnplan was writing it "
                "(another writer that does not take the lock?); nothing was overwritten",
                hint="run the command again; it reads the state afresh",
            ) from None
        self._journal_written(saved)
        state.serial, state.fnplan_version = saved.serial, saved.fnplan_version

    def _overwritable(self) -> str | None:
        """The ETag the write may replace; a stored state this fnplan did not read or write
        is checked first and never replaced when unreadable (corrupt, newer format)."""
        current = self.bucket.etag(self.key)
        if current is None or current == self._known_etag:
            return current
        stored = self.bucket.get(self.key)
        if stored is None:
            return None
        try:
            decode_state(stored.data, self.source)
        except StateError as exc:
            exc.message = f"refusing to overwrite the state: {exc.message}"
            raise
        return stored.etag


class S3Workspaces:
    """The workspaces of one bucket and key: `default` plus one folder per other name."""

    def __init__(
        self,
        bucket: Bucket,
        key: str,
        workspace_key_prefix: str,
        *,
        lock_timeout: float = 0.0,
        lock_table: tuple[Any, str] | None = None,
    ) -> None:
        self.bucket = bucket
        self.key = key
        self.prefix = workspace_key_prefix
        self.description = f"s3 (bucket {bucket.name}, key {key})"
        self.lock_timeout = lock_timeout
        #: (DynamoDB client, table name) when locks are items of a table, else lock objects
        self.lock_table = lock_table

    def key_of(self, name: str) -> str:
        """Where a workspace's state object is kept."""
        if name == DEFAULT_WORKSPACE:
            return self.key
        return f"{self.prefix}/{check_workspace_name(name)}/{self.key}"

    def list(self) -> list[str]:
        names = {
            name
            for name in self.bucket.folders(f"{self.prefix}/")
            if _valid(name) and self.bucket.etag(self.key_of(name)) is not None
        }
        return sorted({DEFAULT_WORKSPACE, *names})

    def new(self, name: str) -> None:
        """Create the workspace's state object holding an empty state."""
        check_workspace_name(name)
        if name == DEFAULT_WORKSPACE:
            raise StateError(f"workspace {name!r} already exists in the {self.description} backend")
        try:
            self.bucket.put(self.key_of(name), encode_state(State()), replacing=None)
        except PreconditionFailed:
            raise StateError(
                f"workspace {name!r} already exists in the {self.description} backend"
            ) from None

    def delete(self, name: str) -> None:
        """Remove the workspace's state, backup and journal; refused while it is locked."""
        backend = self.state(name)
        holder = backend.current_lock()
        if holder is not None:
            raise LockError(f"workspace {name!r} is locked: {holder.describe()}")
        backend.records.clear()
        self.bucket.delete(f"{backend.key}.backup")
        self.bucket.delete(backend.key)

    def state(self, name: str) -> S3Backend:
        key = self.key_of(name)
        store = None
        if self.lock_table is not None:  # LockID "bucket/key", as Terraform names it
            client, table = self.lock_table
            store = LockItem(client, table, f"{self.bucket.name}/{key}")
        return S3Backend(self.bucket, key, lock_timeout=self.lock_timeout, lock_store=store)


def _valid(name: str) -> bool:
    try:
        check_workspace_name(name)
    except StateError:
        return False
    return True
