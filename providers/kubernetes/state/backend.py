"""The `kubernetes` state backend: each workspace's state, backup, journal and lock as
objects in one namespace, as Terraform's kubernetes backend keeps them.

The state is gzip-compressed in the Secret `fnplan-state-<workspace>-<suffix>` (key
`state`). A write replaces it only if it is still the version this backend last read or
wrote (its resourceVersion), so even a writer that ignores the lock cannot be overwritten;
a stored state this fnplan cannot read is never replaced, and the previous version is
copied to `fnplan-backup-…` first. A Secret holds at most 1 MiB: a state that would not fit
is refused before anything is written, saying so.
"""

from __future__ import annotations

import base64
import gzip
import zlib
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

from .api import Conflict, KubeApi, Obj
from .journal import SecretRecords
from .lease import LeaseLock
from .names import WORKSPACE_ANNOTATION, StateObjects, suffix_labels

#: what a Secret may hold (the API server's limit on the whole object)
SECRET_LIMIT = 1024 * 1024
#: room left for the Secret's metadata
_METADATA_ROOM = 16 * 1024
STATE_KEY = "state"


class KubeBackend(RemoteLockedBackend):
    """One workspace's state in Kubernetes (satisfies fnplan.state.backend.StateBackend)."""

    def __init__(
        self,
        api: KubeApi,
        objects: StateObjects,
        *,
        lock_timeout: float = 0.0,
        operation_holder: str | None = None,
        lease: float = DEFAULT_LEASE,
        warn: Warn = warn_to_stderr,
    ) -> None:
        self.api = api
        self.objects = objects
        self.source = Path(f"{api.description}, secret {objects.state}")
        self.records = SecretRecords(api, objects)
        self._lock = LeaseLock(
            api, objects, timeout=lock_timeout, lease=lease, who=operation_holder, warn=warn
        )
        self._known_version: str | None = None

    def read(self) -> State:
        """The recorded state (new and empty if none), with any interrupted apply replayed."""
        stored = self.api.get("Secret", self.objects.state)
        state = State() if stored is None else decode_state(self._payload(stored), self.source)
        self._known_version = None if stored is None else stored["metadata"]["resourceVersion"]
        return replay_records(
            self.records.lines(), self.source, state, state_exists=stored is not None
        )

    def write(self, state: State) -> None:
        """Save `state` as the next serial, keeping the previous version as the backup."""
        saved = state.model_copy(update={"serial": state.serial + 1, "fnplan_version": __version__})
        data = self._encoded(saved)
        current = self._overwritable()
        self._check_held()
        if current is not None:
            self._put_backup(current)
        body = self._secret(self.objects.state, "state", data)
        try:
            if current is None:
                written = self.api.create("Secret", body)
            else:
                body["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
                written = self.api.replace("Secret", body)
        except Conflict:
            raise StateError(
                f"{self.source}: the state changed while this fnplan was writing it "
                "(another writer that does not take the lock?); nothing was overwritten",
                hint="run the command again; it reads the state afresh",
            ) from None
        self._known_version = written["metadata"]["resourceVersion"]
        self._journal_written(saved)
        state.serial, state.fnplan_version = saved.serial, saved.fnplan_version

    def create_empty(self) -> bool:
        """Create the state Secret holding an empty state; False when there is one."""
        body = self._secret(self.objects.state, "state", self._encoded(State()))
        try:
            self.api.create("Secret", body)
        except Conflict:
            return False
        return True

    def remove(self) -> None:
        """Delete every object of this workspace (journal, backup, state, an idle Lease)."""
        self.records.clear()
        for name in (self.objects.backup, self.objects.state):
            self.api.delete("Secret", name)
        self.api.delete("Lease", self.objects.lock)

    def _overwritable(self) -> Obj | None:
        """The stored Secret the write may replace; a state this fnplan did not read or
        write is checked first and never replaced when unreadable (corrupt, newer format)."""
        current = self.api.get("Secret", self.objects.state)
        if current is None or current["metadata"]["resourceVersion"] == self._known_version:
            return current
        try:
            decode_state(self._payload(current), self.source)
        except StateError as exc:
            exc.message = f"refusing to overwrite the state: {exc.message}"
            raise
        return current

    def _put_backup(self, current: Obj) -> None:
        """The stored state becomes the backup (created, or replaced whatever it was)."""
        body = self._secret(self.objects.backup, "backup", (current.get("data") or {}))
        try:
            self.api.create("Secret", body)
        except Conflict:
            self.api.replace("Secret", body)

    def _secret(self, name: str, role: str, data: dict[str, str]) -> Obj:
        return {
            "apiVersion": "v1",
            "kind": "Secret",
            "type": "Opaque",
            "metadata": self.objects.metadata(name, role),
            "data": data,
        }

    def _encoded(self, state: State) -> dict[str, str]:
        """The Secret's data for `state`; StateError when it would not fit in a Secret."""
        packed = base64.b64encode(gzip.compress(encode_state(state), mtime=0)).decode()
        if len(packed) > SECRET_LIMIT - _METADATA_ROOM:
            raise StateError(
                f"{self.source}: the state is {len(packed):,} bytes compressed and encoded, "
                f"more than a Kubernetes Secret holds ({SECRET_LIMIT:,} bytes with its "
                "metadata); nothing was written",
                hint="split the configuration into smaller states, or keep this one in the "
                "s3 or pg backend (fnplan init --migrate-state)",
            )
        return {STATE_KEY: packed}

    def _payload(self, secret: Obj) -> bytes:
        """The state's JSON bytes in a state Secret."""
        packed = (secret.get("data") or {}).get(STATE_KEY)
        try:
            return gzip.decompress(base64.b64decode(packed or "", validate=True))
        except (ValueError, OSError, EOFError, zlib.error):
            raise StateError(
                f"{self.source}: the state is corrupt: its {STATE_KEY!r} key is not "
                "base64-encoded gzip data",
                hint=f"the previous version is in the secret {self.objects.backup}",
            ) from None


class KubeWorkspaces:
    """The workspaces of one namespace and secret suffix: `default` plus any created."""

    def __init__(self, api: KubeApi, suffix: str, *, lock_timeout: float = 0.0) -> None:
        self.api = api
        self.suffix = suffix
        self.description = f"kubernetes (namespace {api.namespace}, secret suffix {suffix})"
        self.lock_timeout = lock_timeout

    def list(self) -> list[str]:
        found = self.api.matching("Secret", suffix_labels(self.suffix, "state"))
        names = {_workspace_of(item) for item in found}
        return sorted({DEFAULT_WORKSPACE, *(name for name in names if _valid(name))})

    def new(self, name: str) -> None:
        """Create the workspace's state Secret holding an empty state."""
        check_workspace_name(name)
        if name == DEFAULT_WORKSPACE or not self.state(name).create_empty():
            raise StateError(f"workspace {name!r} already exists in the {self.description} backend")

    def delete(self, name: str) -> None:
        """Remove the workspace's objects; refused while it is locked."""
        backend = self.state(name)
        holder = backend.current_lock()
        if holder is not None:
            raise LockError(f"workspace {name!r} is locked: {holder.describe()}")
        backend.remove()

    def state(self, name: str) -> KubeBackend:
        objects = StateObjects(check_workspace_name(name), self.suffix)
        return KubeBackend(self.api, objects, lock_timeout=self.lock_timeout)


def _workspace_of(secret: Any) -> str:
    return str(((secret.get("metadata") or {}).get("annotations") or {}).get(WORKSPACE_ANNOTATION))


def _valid(name: str) -> bool:
    try:
        check_workspace_name(name)
    except StateError:
        return False
    return True
