"""What every journal kept outside a local file shares (pg rows, S3 objects): the record
lines, in the local journal's JSON-lines format so that one replay reads them all, and the
bookkeeping of intents not yet settled, which a checkpoint carries into its new segment.

A subclass stores one line durably in `_store_line` and says how to close and checkpoint;
`NumberedJournal` does so for any store of numbered records (`RecordStore`).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, Protocol

from fnplan.errors import LockLostError, StateError

if TYPE_CHECKING:
    from fnplan.state.lock import LockInfo
    from fnplan.state.model import ResourceState, State


class RemoteJournal:
    """Appends intent/result lines for one apply; thread-safe."""

    def __init__(self, description: str) -> None:
        self._description = description
        self._mutex = threading.Lock()
        self._outstanding: dict[str, str] = {}  # address -> its intent line, until settled
        self._records = 0  # lines since the last checkpoint (0: nothing worth keeping)
        self._closed = False

    def intend(
        self,
        address: str,
        action: Literal["create", "update", "delete"],
        resource: ResourceState | None,
    ) -> None:
        """Record, before the provider call, what is about to happen to `address`."""
        body = resource.model_dump(mode="json") if resource is not None else None
        line = record_line(
            {"kind": "intend", "address": address, "action": action, "resource": body}
        )
        with self._mutex:
            self._append(line)
            self._outstanding[address] = line

    def done(self, address: str, result: ResourceState | None) -> None:
        """Record, after the provider call succeeded, the new state of `address` (None: deleted)."""
        body = result.model_dump(mode="json") if result is not None else None
        with self._mutex:
            self._append(record_line({"kind": "done", "address": address, "result": body}))
            self._outstanding.pop(address, None)

    def failed(self, address: str, error: str) -> None:
        """Record that the provider call failed; the prior record of `address` stands."""
        with self._mutex:
            self._append(record_line({"kind": "failed", "address": address, "error": error}))
            self._outstanding.pop(address, None)

    def segment(self, state: State) -> list[str]:
        """The lines a checkpoint after writing `state` starts afresh with."""
        return [begin_line(state), *self._outstanding.values()]

    def _append(self, line: str) -> None:
        if self._closed:
            raise StateError(
                f"the apply journal of {self._description} is closed; no more records can be added"
            )
        self._store_line(line)
        self._records += 1

    def _store_line(self, line: str) -> None:
        raise NotImplementedError


def begin_line(state: State) -> str:
    """The record that opens a journal segment: which state (lineage, serial) it applies to."""
    return record_line(
        {"kind": "begin", "lineage": state.lineage, "serial": state.serial, "pid": os.getpid()}
    )


def record_line(record: dict[str, object]) -> str:
    """One journal record as a line of compact JSON."""
    return json.dumps(record, separators=(",", ":"))


def lost_lock(held: LockInfo | None) -> LockLostError:
    """The error of an operation whose lock was removed or replaced by someone else."""
    operation = held.operation if held is not None else "operation"
    lock_id = held.id if held is not None else "?"
    return LockLostError(
        f"the state lock of this {operation} (lock ID {lock_id}) was removed by someone "
        "else (fnplan force-unlock?); stopped before the next state write",
        hint="nothing more was written; run `fnplan plan` once no other fnplan is running "
        "to see what this operation left undone",
    )


class RecordStore(Protocol):
    """Numbered journal records kept as separate objects (Kubernetes Secrets, say)."""

    description: str

    def numbers(self) -> list[int]:
        """The numbers of the records there are, in order."""
        ...

    def put(self, number: int, line: str) -> None:
        """Store record `number`, durably once this returns."""
        ...

    def delete(self, number: int) -> None:
        """Remove record `number` (gone already is fine)."""
        ...


class NumberedJournal(RemoteJournal):
    """A journal kept as one stored record per line, numbered in order, for a store without
    appends or multi-object transactions. A checkpoint writes the new segment first and
    removes the older records after: replay skips a segment older than the state, so an
    interrupted removal is harmless. The lock is checked before each record."""

    def __init__(
        self,
        store: RecordStore,
        state: State,
        *,
        check_lock: Callable[[], None],
        on_close: Callable[[NumberedJournal], None],
    ) -> None:
        super().__init__(store.description)
        self._store = store
        self._check_lock = check_lock
        self._on_close = on_close
        self._next = 1 + max(store.numbers(), default=0)
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
                for number in self._store.numbers():
                    self._store.delete(number)
        self._on_close(self)

    def checkpoint(self, state: State) -> None:
        """After a state write: a new segment of the unsettled intents, then the old removed."""
        with self._mutex:
            older = self._store.numbers()
            for line in self.segment(state):
                self._append(line)
            for number in older:
                self._store.delete(number)
            self._records = len(self._outstanding)

    def _store_line(self, line: str) -> None:
        self._check_lock()
        self._store.put(self._next, line)
        self._next += 1
