"""The PostgreSQL backend's state lock: one row per workspace carrying holder identity and lease.

An advisory lock alone carries neither who holds it nor until when, so the lock is a row
inserted with ON CONFLICT DO NOTHING (exactly one inserter wins) holding a `LockInfo`, whose
lease a daemon thread renews. Waiting, breaking the lock of a dead process on this host and
naming any other holder are fnplan.state.lock.acquire's, as for every backend;
`force-unlock` removes the row.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

import psycopg

from fnplan.state.lock import (
    DEFAULT_LEASE,
    Claimant,
    LockInfo,
    Warn,
    check_unlock,
    held,
)
from fnplan.state.remote_journal import lost_lock


class PgLock:
    """Acquire, renew, release and break the lock row of one workspace."""

    def __init__(
        self,
        connect: Callable[[], psycopg.Connection],
        table: str,
        workspace: str,
        *,
        timeout: float,
        lease: float = DEFAULT_LEASE,
        who: str | None,
        warn: Warn,
    ) -> None:
        self._connect = connect
        self._table = table
        self.workspace = workspace
        self.timeout = timeout
        self.lease = lease
        self.claimant = Claimant.here(who, lease)
        self.warn = warn
        self.lost = threading.Event()  # set by the renewer when our row was removed or replaced

    @contextlib.contextmanager
    def hold(self, operation: str) -> Iterator[LockInfo]:
        """Hold the lock for `operation` on a connection of its own, renewing the lease."""
        with (
            self._connect() as conn,
            held(
                _RowSlot(self, conn),
                operation,
                self.claimant,
                timeout=self.timeout,
                warn=self.warn,
                lease=self.lease,
                renew=lambda info: self.renew(conn, info),
                release=lambda info: self.delete(conn, info.id),
                lost=self.lost,
                transient=(psycopg.Error,),
            ) as info,
        ):
            yield info

    def current(self, conn: psycopg.Connection) -> LockInfo | None:
        """The lock row as it is now, or None when unlocked."""
        row = conn.execute(
            f"SELECT info FROM {self._table} WHERE name = %s", (self.workspace,)
        ).fetchone()
        return None if row is None else LockInfo.model_validate_json(row[0])

    def check(self, conn: psycopg.Connection, info: LockInfo) -> None:
        """LockLostError unless our row is still there; inside the caller's transaction, FOR
        SHARE keeps the row from being removed until the caller's write commits."""
        row = conn.execute(
            f"SELECT id FROM {self._table} WHERE name = %s FOR SHARE", (self.workspace,)
        ).fetchone()
        if row is None or row[0] != info.id:
            raise lost_lock(info)

    def force_unlock(self, conn: psycopg.Connection, lock_id: str) -> LockInfo:
        """Remove the row if its ID is `lock_id` (the user's explicit override); else LockError."""
        where = f"workspace {self.workspace!r}"
        holder = check_unlock(self.current(conn), lock_id, where)
        self.delete(conn, lock_id)
        return holder

    def renew(self, conn: psycopg.Connection, info: LockInfo) -> LockInfo | None:
        """Extend our lease; None when the row is no longer ours (broken or replaced)."""
        renewed = info.renewed(self.lease)
        updated = conn.execute(
            f"UPDATE {self._table} SET info = %s WHERE name = %s AND id = %s",
            (renewed.model_dump_json(), self.workspace, info.id),
        )
        return renewed if updated.rowcount == 1 else None

    def insert(self, conn: psycopg.Connection, info: LockInfo) -> bool:
        """Insert the row holding `info` unless there is one; whether it was."""
        inserted = conn.execute(
            f"INSERT INTO {self._table} (name, id, info) VALUES (%s, %s, %s) "
            "ON CONFLICT (name) DO NOTHING",
            (self.workspace, info.id, info.model_dump_json()),
        )
        return inserted.rowcount == 1

    def delete(self, conn: psycopg.Connection, lock_id: str) -> bool:
        """Remove the row if it is still the lock `lock_id`; whether it was."""
        deleted = conn.execute(
            f"DELETE FROM {self._table} WHERE name = %s AND id = %s", (self.workspace, lock_id)
        )
        return deleted.rowcount == 1


class _RowSlot:
    """The lock row of one workspace on one connection, as the acquire loop uses it."""

    def __init__(self, lock: PgLock, conn: psycopg.Connection) -> None:
        self._lock, self._conn = lock, conn

    def try_create(self, info: LockInfo) -> bool:
        return self._lock.insert(self._conn, info)

    def blocker(self) -> LockInfo | None:
        return self._lock.current(self._conn)

    def break_lock(self, holder: LockInfo) -> bool:
        return self._lock.delete(self._conn, holder.id)
