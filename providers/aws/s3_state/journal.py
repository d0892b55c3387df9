"""The S3 backend's apply journal: one object per record, numbered, in the local journal's
JSON-lines format and replayed by the same code.

A PUT is durable when it returns, so each record is safe before its provider call proceeds.
Before each record the lock object is checked to be still ours (a HEAD on its ETag): an apply
whose lock was broken stops. S3 has no multi-object transaction, so a checkpoint writes the
new segment (begin line plus unsettled intents) first and then removes the older records;
replay ignores any segment older than the state, which makes that removal safe to lose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fnplan.state.remote_journal import RemoteJournal, begin_line

from .objects import Bucket

if TYPE_CHECKING:
    from fnplan.state.model import State

_DIGITS = 12


def journal_lines(bucket: Bucket, prefix: str) -> bytes:
    """The journal's records in order, as the local journal file would hold them."""
    return b"".join(
        stored.data + b"\n" for key in bucket.keys(prefix) if (stored := bucket.get(key))
    )


def clear_journal(bucket: Bucket, prefix: str) -> None:
    """Remove every record (after a state write that leaves nothing unsettled)."""
    for key in bucket.keys(prefix):
        bucket.delete(key)


class S3Journal(RemoteJournal):
    """Appends intent/result objects for one apply; thread-safe."""

    def __init__(
        self,
        bucket: Bucket,
        prefix: str,
        state: State,
        *,
        check_lock: Callable[[], None],
        on_close: Callable[[S3Journal], None],
    ) -> None:
        super().__init__(f"{bucket.description}, {prefix}")
        self._bucket = bucket
        self._prefix = prefix
        self._check_lock = check_lock
        self._on_close = on_close
        existing = bucket.keys(prefix)
        self._next = 1 + max((int(key[len(prefix) :]) for key in existing), default=0)
        with self._mutex:
            self._append(begin_line(state))
        self._records = 0

    def close(self) -> None:
        """Close; a journal with nothing since its last checkpoint is removed."""
        with self._mutex:
            if self._closed:
                return
            self._closed = True
            if self._records == 0:
                clear_journal(self._bucket, self._prefix)
        self._on_close(self)

    def checkpoint(self, state: State) -> None:
        """After a state write: a new segment of the unsettled intents, then the old removed."""
        with self._mutex:
            older = self._bucket.keys(self._prefix)
            for line in self.segment(state):
                self._append(line)
            for key in older:
                self._bucket.delete(key)
            self._records = len(self._outstanding)

    def _store_line(self, line: str) -> None:
        self._check_lock()
        key = f"{self._prefix}{self._next:0{_DIGITS}d}"
        self._bucket.put(key, line.encode(), replacing=None)
        self._next += 1
