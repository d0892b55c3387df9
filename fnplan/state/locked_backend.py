"""The lock bookkeeping every backend whose lock is one object shares (local file, S3 or
DynamoDB, Kubernetes Lease): the lock held around an operation, remembered while held so that
writes can first check it is still ours, force-unlock, and who holds it now."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from fnplan.state.lock import LockInfo


class BackendLock(Protocol):
    """A backend's lock object (a lock file, an S3 object or DynamoDB item, a Lease)."""

    def hold(self, operation: str) -> AbstractContextManager[LockInfo]: ...

    def check(self, info: LockInfo) -> None: ...

    def force_unlock(self, lock_id: str) -> LockInfo: ...

    def current(self) -> LockInfo | None: ...


class LockedBackend:
    """Mixin for a StateBackend: the subclass sets `_lock`; `_held` is our lock while
    `lock()` runs."""

    _lock: BackendLock
    _held: LockInfo | None = None

    @contextlib.contextmanager
    def lock(self, operation: str) -> Iterator[LockInfo]:
        """Hold the workspace's lock for `operation` (plan, apply, destroy, state-edit)."""
        with self._lock.hold(operation) as info:
            self._held = info
            try:
                yield info
            finally:
                self._held = None

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Remove the lock if its ID matches (for a holder that is known to be gone)."""
        return self._lock.force_unlock(lock_id)

    def current_lock(self) -> LockInfo | None:
        """Who holds the lock now, or None."""
        return self._lock.current()

    def _check_held(self) -> None:
        """Before a write: LockLostError if the lock held was taken from us."""
        if self._held is not None:
            self._lock.check(self._held)
