"""The PostgreSQL backend's state lock: one row per workspace carrying holder identity and lease.

An advisory lock alone carries neither who holds it nor until when, so the lock is a row
inserted with ON CONFLICT DO NOTHING (exactly one inserter wins) holding a `LockInfo`, whose
lease a daemon thread renews. The policy is the local lock's: a holder on this host whose
process is gone is broken with a warning; any other holder is named, with STALE when its
lease expired, and `force-unlock` removes it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import psycopg

from fnplan.errors import LockError
from fnplan.state.lock import (
    DEFAULT_LEASE,
    LeaseRenewer,
    LockInfo,
    Warn,
    current_user,
    held_error,
    process_exists,
)
from fnplan.state.pg_db import first_line
from fnplan.state.remote_journal import lost_lock

_POLL_SECONDS = 0.1


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
        self.host = socket.gethostname()
        self.who = who or f"{current_user()}@{self.host}"
        self.warn = warn
        self.lost = threading.Event()  # set by the renewer when our row was removed or replaced

    @contextlib.contextmanager
    def hold(self, operation: str) -> Iterator[LockInfo]:
        """Hold the lock for `operation` on a connection of its own, renewing the lease."""
        with self._connect() as conn:
            info = self._acquire(conn, operation)
            self.lost.clear()
            renewer = LeaseRenewer(
                info,
                lease=self.lease,
                renew=lambda held: self.renew(conn, held),
                warn=self.warn,
                lost=self.lost,
                transient=(psycopg.Error,),
                explain=first_line,
            )
            renewer.start()
            try:
                yield info
            finally:
                renewer.stop()
                conn.execute(
                    f"DELETE FROM {self._table} WHERE name = %s AND id = %s",
                    (self.workspace, info.id),
                )

    def _acquire(self, conn: psycopg.Connection, operation: str) -> LockInfo:
        """Insert our row, waiting up to `timeout` seconds; LockError names a holder that stays."""
        deadline = time.monotonic() + self.timeout
        while True:
            info = LockInfo.new(operation, who=self.who, host=self.host, lease=self.lease)
            inserted = conn.execute(
                f"INSERT INTO {self._table} (name, id, info) VALUES (%s, %s, %s) "
                "ON CONFLICT (name) DO NOTHING",
                (self.workspace, info.id, info.model_dump_json()),
            )
            if inserted.rowcount == 1:
                return info
            holder = self.current(conn)
            if holder is None:
                continue
            if holder.host == self.host and not process_exists(holder.pid):
                self._break(conn, holder)
                continue
            if time.monotonic() >= deadline:
                raise held_error(holder)
            time.sleep(min(_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))

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
        holder = self.current(conn)
        if holder is None:
            raise LockError(
                f"workspace {self.workspace!r} is not locked; there is nothing to unlock"
            )
        if holder.id != lock_id:
            raise LockError(
                f"lock ID {lock_id!r} does not match the current lock ({holder.describe()})",
                hint=f"to break that lock run: fnplan force-unlock {holder.id}",
            )
        conn.execute(
            f"DELETE FROM {self._table} WHERE name = %s AND id = %s", (self.workspace, lock_id)
        )
        return holder

    def renew(self, conn: psycopg.Connection, info: LockInfo) -> LockInfo | None:
        """Extend our lease; None when the row is no longer ours (broken or replaced)."""
        renewed = info.model_copy(
            update={"expires": datetime.now(UTC) + timedelta(seconds=self.lease)}
        )
        updated = conn.execute(
            f"UPDATE {self._table} SET info = %s WHERE name = %s AND id = %s",
            (renewed.model_dump_json(), self.workspace, info.id),
        )
        return renewed if updated.rowcount == 1 else None

    def _break(self, conn: psycopg.Connection, holder: LockInfo) -> None:
        deleted = conn.execute(
            f"DELETE FROM {self._table} WHERE name = %s AND id = %s", (self.workspace, holder.id)
        )
        if deleted.rowcount == 1:
            self.warn(
                f"broke the state lock of a process that no longer exists ({holder.describe()})"
            )
