"""The S3 backend's state lock: an object created with If-None-Match, holding a LockInfo.

Exactly one conditional create wins. The lease is renewed by replacing the object on its
ETag (If-Match), so a renewal never overwrites someone else's lock; release and break
delete on the ETag too. The policy is the local and pg locks': a holder on this host whose
process is gone is broken with a warning; any other holder is named (STALE when its lease
expired) and `force-unlock` removes it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from fnplan.errors import LockError, StateError
from fnplan.state.lock import (
    DEFAULT_LEASE,
    LeaseRenewer,
    LockInfo,
    Warn,
    current_user,
    held_error,
    process_exists,
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
        self.host = socket.gethostname()
        self.who = who or f"{current_user()}@{self.host}"
        self.warn = warn
        self.lost = threading.Event()
        self.etag: str | None = None  # of our lock object while held

    @contextlib.contextmanager
    def hold(self, operation: str) -> Iterator[LockInfo]:
        """Hold the lock for `operation`, renewing its lease until released."""
        info = self._acquire(operation)
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

    def _acquire(self, operation: str) -> LockInfo:
        deadline = time.monotonic() + self.timeout
        while True:
            info = LockInfo.new(operation, who=self.who, host=self.host, lease=self.lease)
            try:
                self.etag = self.bucket.put(self.key, _encode(info), replacing=None)
                return info
            except PreconditionFailed:
                pass
            found = self._read()
            if found is None:
                continue
            holder, etag = found
            if holder.host == self.host and not process_exists(holder.pid):
                self._break(holder, etag)
                continue
            if time.monotonic() >= deadline:
                raise held_error(holder)
            time.sleep(min(_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))

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
        found = self._read()
        if found is None:
            raise LockError("the state is not locked; there is nothing to unlock")
        holder, etag = found
        if holder.id != lock_id:
            raise LockError(
                f"lock ID {lock_id!r} does not match the current lock ({holder.describe()})",
                hint=f"to break that lock run: fnplan force-unlock {holder.id}",
            )
        self.bucket.delete(self.key, etag=etag)
        return holder

    def renew(self, info: LockInfo) -> LockInfo | None:
        """Extend our lease; None when the object is no longer ours (broken or replaced)."""
        renewed = info.model_copy(
            update={"expires": datetime.now(UTC) + timedelta(seconds=self.lease)}
        )
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

    def _break(self, holder: LockInfo, etag: str) -> None:
        try:
            self.bucket.delete(self.key, etag=etag)
        except PreconditionFailed:
            return  # someone else broke or replaced it first
        self.warn(f"broke the state lock of a process that no longer exists ({holder.describe()})")


def _encode(info: LockInfo) -> bytes:
    return info.model_dump_json().encode()
