"""What the backends that keep their lock and journal as remote objects share (`s3`,
`kubernetes`): the lock held around an operation, the apply journal checked against that lock
before each record, and the journal settled after each state write. A backend supplies where
its state, lock and records live; this mixin does the bookkeeping between them."""

from __future__ import annotations

import abc
import contextlib
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Protocol

from fnplan.errors import LockError, StateError
from fnplan.state.lock import DEFAULT_LEASE, Claimant, Warn, held
from fnplan.state.locked_backend import LockedBackend
from fnplan.state.remote_journal import NumberedJournal, RecordStore

if TYPE_CHECKING:
    from pathlib import Path

    from fnplan.state.lock import LockInfo
    from fnplan.state.model import State


class RemoteLease(abc.ABC):
    """A lock kept as one remote object with a lease (an S3 object or DynamoDB item, a
    Kubernetes Lease): held through `held`, renewed while held; a remote store's errors
    (StateError) stop the renewing with a warning and the lease runs out. A subclass is the
    LockSlot `acquire` takes, plus `renew` and `_release`."""

    #: seconds between two looks at a held lock while waiting (each look is a request)
    poll = 0.2

    def __init__(
        self, *, timeout: float, lease: float = DEFAULT_LEASE, who: str | None, warn: Warn
    ) -> None:
        self.timeout = timeout
        self.lease = lease
        self.claimant = Claimant.here(who, lease)
        self.warn = warn
        self.lost = threading.Event()  # set by the renewer when the lock was taken from us

    @contextlib.contextmanager
    def hold(self, operation: str) -> Iterator[LockInfo]:
        """Hold the lock for `operation`, renewing its lease until the block ends."""
        with held(
            self,
            operation,
            self.claimant,
            timeout=self.timeout,
            warn=self.warn,
            lease=self.lease,
            renew=self.renew,
            release=self._release,
            lost=self.lost,
            transient=(StateError,),
            poll=self.poll,
        ) as info:
            yield info

    @abc.abstractmethod
    def try_create(self, info: LockInfo) -> bool:
        """Create the lock holding `info` unless another holds it (LockSlot)."""

    @abc.abstractmethod
    def blocker(self) -> LockInfo | LockError | None:
        """Who holds the lock (LockSlot)."""

    @abc.abstractmethod
    def break_lock(self, holder: LockInfo) -> bool:
        """Remove the lock if `holder` still holds it (LockSlot)."""

    @abc.abstractmethod
    def renew(self, info: LockInfo) -> LockInfo | None:
        """Extend our lease; None when the lock is no longer ours."""

    @abc.abstractmethod
    def _release(self, info: LockInfo) -> None:
        """Remove our lock (gone or taken already: nothing to do)."""


class JournalRecords(RecordStore, Protocol):
    """The journal's records, read back whole and cleared after a write."""

    def lines(self) -> bytes: ...

    def clear(self) -> None: ...


class RemoteLockedBackend(LockedBackend):
    """Mixin for a StateBackend: the subclass sets `source`, `records` and `_lock`."""

    source: Path
    records: JournalRecords
    _journal: NumberedJournal | None = None

    def journal(self, state: State) -> NumberedJournal:
        """Open the apply journal for an apply against `state`; each record first checks
        that the lock (if one is held) is still ours."""
        if self._journal is not None:
            raise StateError(f"{self.source}: an apply journal is already open")
        held = self._held
        self._journal = NumberedJournal(
            self.records,
            state,
            check_lock=(lambda: self._lock.check(held)) if held is not None else _unlocked,
            on_close=self._journal_closed,
        )
        return self._journal

    def _journal_written(self, saved: State) -> None:
        """After a state write: the open journal starts a new segment, else it is cleared."""
        if self._journal is not None:
            self._journal.checkpoint(saved)
        else:
            self.records.clear()

    def _journal_closed(self, journal: NumberedJournal) -> None:
        if self._journal is journal:
            self._journal = None


def _unlocked() -> None:
    """The journal's lock check when no lock is held (tests, `state` edits)."""
