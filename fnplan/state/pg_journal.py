"""The PostgreSQL backend's apply journal: one row per record, in the same JSON-lines format as
the local journal's file, replayed by the same code.

Each record is committed before its call returns, so a killed apply loses nothing. The
journal's connection uses `synchronous_commit = off`: a committed row survives the death of
this process at once and reaches the server's disk within a fraction of a second (the local
journal's group-commit fsync, done by the server). Every insert also checks, in the same
statement, that our lock row is still there: an apply whose lock was broken stops.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from fnplan.errors import LockLostError, StateError
from fnplan.state.pg_db import database_errors

if TYPE_CHECKING:
    import psycopg

    from fnplan.state.lock import LockInfo
    from fnplan.state.model import ResourceState, State


class PgJournal:
    """Appends intent/result rows for one apply; thread-safe."""

    def __init__(
        self,
        conn: psycopg.Connection,
        schema: str,
        workspace: str,
        state: State,
        *,
        description: str,
        held: LockInfo | None,
        on_close: Callable[[PgJournal], None],
    ) -> None:
        self._conn = conn
        self._schema = schema
        self._description = description
        self.workspace = workspace
        self._held = held
        self._on_close = on_close
        self._mutex = threading.Lock()
        self._outstanding: dict[str, str] = {}  # address -> its intent line, until settled
        self._records = 0
        self._closed = False
        conn.execute("SET synchronous_commit TO off")
        with self._mutex:
            self._append(begin_line(state))
        self._records = 0

    def intend(
        self,
        address: str,
        action: Literal["create", "update", "delete"],
        resource: ResourceState | None,
    ) -> None:
        """Record, before the provider call, what is about to happen to `address`."""
        body = resource.model_dump(mode="json") if resource is not None else None
        line = _line({"kind": "intend", "address": address, "action": action, "resource": body})
        with self._mutex:
            self._append(line)
            self._outstanding[address] = line

    def done(self, address: str, result: ResourceState | None) -> None:
        """Record, after the provider call succeeded, the new state of `address` (None: deleted)."""
        body = result.model_dump(mode="json") if result is not None else None
        with self._mutex:
            self._append(_line({"kind": "done", "address": address, "result": body}))
            self._outstanding.pop(address, None)

    def failed(self, address: str, error: str) -> None:
        """Record that the provider call failed; the prior record of `address` stands."""
        with self._mutex:
            self._append(_line({"kind": "failed", "address": address, "error": error}))
            self._outstanding.pop(address, None)

    def close(self) -> None:
        """Close; a journal with nothing since its last checkpoint is removed."""
        with self._mutex:
            if self._closed:
                return
            self._closed = True
            try:
                with database_errors(self._description):
                    if self._records == 0:
                        self._conn.execute(
                            f"DELETE FROM {self._schema}.journal WHERE name = %s",
                            (self.workspace,),
                        )
            finally:
                self._conn.close()
        self._on_close(self)

    def checkpoint(self, cursor: psycopg.Cursor, state: State) -> None:
        """Inside the state write's transaction: start afresh, keeping only unsettled intents."""
        with self._mutex:
            lines = [begin_line(state), *self._outstanding.values()]
            replace_journal(cursor, self._schema, self.workspace, lines)
            self._records = len(self._outstanding)

    def _append(self, line: str) -> None:
        if self._closed:
            raise StateError(
                f"the journal of workspace {self.workspace!r} is closed; no more records "
                "can be added"
            )
        with database_errors(self._description):
            if self._held is None:
                insert = self._conn.execute(
                    f"INSERT INTO {self._schema}.journal (name, line) VALUES (%s, %s)",
                    (self.workspace, line),
                )
            else:
                insert = self._conn.execute(
                    f"INSERT INTO {self._schema}.journal (name, line) SELECT %s, %s WHERE "
                    f"EXISTS (SELECT 1 FROM {self._schema}.locks WHERE name = %s AND id = %s)",
                    (self.workspace, line, self.workspace, self._held.id),
                )
        if insert.rowcount != 1:
            raise lost_lock(self._held)
        self._records += 1


def replace_journal(cursor: psycopg.Cursor, schema: str, workspace: str, lines: list[str]) -> None:
    """Make `lines` the whole journal of `workspace` (empty: no journal)."""
    cursor.execute(f"DELETE FROM {schema}.journal WHERE name = %s", (workspace,))
    if lines:
        cursor.executemany(
            f"INSERT INTO {schema}.journal (name, line) VALUES (%s, %s)",
            [(workspace, line) for line in lines],
        )


def begin_line(state: State) -> str:
    """The record that opens a journal segment: which state (lineage, serial) it applies to."""
    return _line(
        {"kind": "begin", "lineage": state.lineage, "serial": state.serial, "pid": os.getpid()}
    )


def _line(record: dict[str, object]) -> str:
    return json.dumps(record, separators=(",", ":"))


def lost_lock(held: LockInfo | None) -> LockLostError:
    """The error of an operation whose lock row was removed or replaced by someone else."""
    operation = held.operation if held is not None else "operation"
    lock_id = held.id if held is not None else "?"
    return LockLostError(
        f"the state lock of this {operation} (lock ID {lock_id}) was removed by someone "
        "else (fnplan force-unlock?); stopped before the next state write",
        hint="nothing more was written; run `fnplan plan` once no other fnplan is running "
        "to see what this operation left undone",
    )
