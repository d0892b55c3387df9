"""The PostgreSQL backend's apply journal: one row per record, in the same JSON-lines format as
the local journal's file, replayed by the same code.

Each record is committed before its call returns, so a killed apply loses nothing. The
journal's connection uses `synchronous_commit = off`: a committed row survives the death of
this process at once and reaches the server's disk within a fraction of a second (the local
journal's group-commit fsync, done by the server). Every insert also checks, in the same
statement, that our lock row is still there: an apply whose lock was broken stops.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from fnplan.state.pg_db import database_errors
from fnplan.state.remote_journal import RemoteJournal, begin_line, lost_lock

if TYPE_CHECKING:
    import psycopg

    from fnplan.state.lock import LockInfo
    from fnplan.state.model import State


class PgJournal(RemoteJournal):
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
        super().__init__(f"workspace {workspace!r}")
        self._conn = conn
        self._schema = schema
        self._database = description
        self.workspace = workspace
        self._held = held
        self._on_close = on_close
        conn.execute("SET synchronous_commit TO off")
        with self._mutex:
            self._append(begin_line(state))
        self._records = 0

    def close(self) -> None:
        """Close; a journal with nothing since its last checkpoint is removed."""
        with self._mutex:
            if self._closed:
                return
            self._closed = True
            try:
                with database_errors(self._database):
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
            replace_journal(cursor, self._schema, self.workspace, self.segment(state))
            self._records = len(self._outstanding)

    def _store_line(self, line: str) -> None:
        with database_errors(self._database):
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


def replace_journal(cursor: psycopg.Cursor, schema: str, workspace: str, lines: list[str]) -> None:
    """Make `lines` the whole journal of `workspace` (empty: no journal)."""
    cursor.execute(f"DELETE FROM {schema}.journal WHERE name = %s", (workspace,))
    if lines:
        cursor.executemany(
            f"INSERT INTO {schema}.journal (name, line) VALUES (%s, %s)",
            [(workspace, line) for line in lines],
        )
