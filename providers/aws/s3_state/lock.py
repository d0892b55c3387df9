"""The S3 backend's state lock: a LockInfo in a lock store (stores.py: an object of the bucket
created with If-None-Match, or an item of a DynamoDB table created with a condition).

Exactly one conditional create wins. The lease is renewed by replacing the record on its
token (If-Match on the ETag, or the item's Token), so a renewal never overwrites someone
else's lock; release and break delete on the token too. Waiting, breaking the lock of a
dead process on this host and naming any other holder are fnplan.state.lock.acquire's, as
for every backend.
"""

from __future__ import annotations

import contextlib

from pydantic import ValidationError

from fnplan.errors import StateError
from fnplan.state.lock import (
    DEFAULT_LEASE,
    LockInfo,
    Warn,
    check_unlock,
)
from fnplan.state.remote_backend import RemoteLease
from fnplan.state.remote_journal import lost_lock

from .objects import PreconditionFailed
from .stores import LockStore


class S3Lock(RemoteLease):
    """Acquire, renew, release and break the lock record of one workspace."""

    def __init__(
        self,
        store: LockStore,
        *,
        timeout: float,
        lease: float = DEFAULT_LEASE,
        who: str | None,
        warn: Warn,
    ) -> None:
        self.store = store
        super().__init__(timeout=timeout, lease=lease, who=who, warn=warn)
        self.etag: str | None = None  # the token of our lock record while held

    def _release(self, info: LockInfo) -> None:
        """Delete our lock record on its token (gone or replaced already: nothing to do)."""
        with contextlib.suppress(PreconditionFailed):
            self.store.delete(self.etag)
        self.etag = None

    def try_create(self, info: LockInfo) -> bool:
        """Create the lock record holding `info` unless there is one (LockSlot)."""
        try:
            self.etag = self.store.create(_encode(info))
        except PreconditionFailed:
            return False
        return True

    def blocker(self) -> LockInfo | None:
        """The lock record's holder (LockSlot)."""
        return self.current()

    def break_lock(self, holder: LockInfo) -> bool:
        """Delete the lock record if it is still `holder`'s, on its token (LockSlot)."""
        found = self._read()
        if found is None or found[0].id != holder.id:
            return False
        try:
            self.store.delete(found[1])
        except PreconditionFailed:
            return False  # someone else broke or replaced it first
        return True

    def current(self) -> LockInfo | None:
        """The lock as it is now, or None when unlocked."""
        found = self._read()
        return None if found is None else found[0]

    def check(self, info: LockInfo) -> None:
        """LockLostError unless our lock record is still the one we wrote."""
        stored = None if self.lost.is_set() else self.store.get()
        if stored is None or stored.etag != self.etag:
            raise lost_lock(info)

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Remove the lock if its ID is `lock_id` (the user's explicit override)."""
        holder, etag = self._read() or (None, None)
        unlocked = check_unlock(holder, lock_id, self.store.description)
        self.store.delete(etag)
        return unlocked

    def renew(self, info: LockInfo) -> LockInfo | None:
        """Extend our lease; None when the record is no longer ours (broken or replaced)."""
        renewed = info.renewed(self.lease)
        try:
            self.etag = self.store.replace(_encode(renewed), self.etag)
        except PreconditionFailed:
            return None
        return renewed

    def _read(self) -> tuple[LockInfo, str] | None:
        stored = self.store.get()
        if stored is None:
            return None
        try:
            return LockInfo.model_validate_json(stored.data), stored.etag
        except ValidationError:
            raise StateError(
                f"{self.store.description}: the lock there is not a fnplan lock",
                hint="if no fnplan is running, delete it",
            ) from None


def _encode(info: LockInfo) -> bytes:
    return info.model_dump_json().encode()
