"""The S3 backend's state lock: an object created with If-None-Match, holding a LockInfo.

Exactly one conditional create wins. The lease is renewed by replacing the object on its
ETag (If-Match), so a renewal never overwrites someone else's lock; release and break
delete on the ETag too. Waiting, breaking the lock of a dead process on this host and naming
any other holder are fnplan.state.lock.acquire's, as for every backend.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from pydantic import ValidationError

from fnplan.errors import StateError
from fnplan.state.lock import (
    DEFAULT_LEASE,
    Claimant,
    LeaseRenewer,
    LockInfo,
    Warn,
    acquire,
    check_unlock,
)
from fnplan.state.remote_journal import lost_lock

from .objects import Bucket, PreconditionFailed

_POLL_SECONDS = 0.2


class S3Lock:
    """Acquire, renew, release and break the lock object of one workspace."""

    def __init__(
        self,
        bucket: Bucket,
        key: str,
        *,
        timeout: float,
        lease: float = DEFAULT_LEASE,
        who: str | None,
        warn: Warn,
    ) -> None:
        self.bucket = bucket
        self.key = key
        self.timeout = timeout
        self.lease = lease
        self.claimant = Claimant.here(who, lease)
        self.warn = warn
        self.lost = threading.Event()
        self.etag: str | None = None  # of our lock object while held

    @contextlib.contextmanager
    def hold(self, operation: str) -> Iterator[LockInfo]:
        """Hold the lock for `operation`, renewing its lease until released."""
        info = acquire(
            self, operation, self.claimant, timeout=self.timeout, warn=self.warn, poll=_POLL_SECONDS
        )
        self.lost.clear()
        renewer = LeaseRenewer(
            info,
            lease=self.lease,
            renew=self.renew,
            warn=self.warn,
            lost=self.lost,
            transient=(StateError,),
            explain=lambda exc: exc.message if isinstance(exc, StateError) else str(exc),
        )
        renewer.start()
        try:
            yield info
        finally:
            renewer.stop()
            with contextlib.suppress(PreconditionFailed):
                self.bucket.delete(self.key, etag=self.etag)
            self.etag = None

    def try_create(self, info: LockInfo) -> bool:
        """Create the lock object holding `info` unless there is one (LockSlot)."""
        try:
            self.etag = self.bucket.put(self.key, _encode(info), replacing=None)
        except PreconditionFailed:
            return False
        return True

    def blocker(self) -> LockInfo | None:
        """The lock object's holder (LockSlot)."""
        return self.current()

    def break_lock(self, holder: LockInfo) -> bool:
        """Delete the lock object if it is still `holder`'s, on its ETag (LockSlot)."""
        found = self._read()
        if found is None or found[0].id != holder.id:
            return False
        try:
            self.bucket.delete(self.key, etag=found[1])
        except PreconditionFailed:
            return False  # someone else broke or replaced it first
        return True

    def current(self) -> LockInfo | None:
        """The lock as it is now, or None when unlocked."""
        found = self._read()
        return None if found is None else found[0]

    def check(self, info: LockInfo) -> None:
        """LockLostError unless our lock object is still the one we wrote."""
        if self.lost.is_set() or self.bucket.etag(self.key) != self.etag:
            raise lost_lock(info)

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Remove the lock if its ID is `lock_id` (the user's explicit override)."""
        holder, etag = self._read() or (None, None)
        unlocked = check_unlock(holder, lock_id, f"{self.bucket.description}, key {self.key}")
        self.bucket.delete(self.key, etag=etag)
        return unlocked

    def renew(self, info: LockInfo) -> LockInfo | None:
        """Extend our lease; None when the object is no longer ours (broken or replaced)."""
        renewed = info.renewed(self.lease)
        try:
            self.etag = self.bucket.put(self.key, _encode(renewed), replacing=self.etag)
        except PreconditionFailed:
            return None
        return renewed

    def _read(self) -> tuple[LockInfo, str] | None:
        stored = self.bucket.get(self.key)
        if stored is None:
            return None
        try:
            return LockInfo.model_validate_json(stored.data), stored.etag
        except ValidationError:
            raise StateError(
                f"{self.bucket.description}: the lock object {self.key} is not a fnplan lock",
                hint="if no fnplan is running, delete that object",
            ) from None


def _encode(info: LockInfo) -> bytes:
    return info.model_dump_json().encode()
