"""The `pg` backend: states, journals and locks in PostgreSQL tables, for teams.

`backend "pg" { conn_str = "...", schema_name = "..." }` as Terraform's pg backend; the
connection string may come from PG_CONN_STR instead. One schema holds three tables keyed by
workspace name: `states` (the state JSON, its previous version and a write counter),
`journal` (apply records, one row each) and `locks` (one row per held lock). Imported only
when a pg backend is configured, so psycopg is needed only then.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import psycopg

from fnplan import __version__
from fnplan.errors import ConfigError, LockError, SourcePos, StateError
from fnplan.state.backend import DEFAULT_WORKSPACE, check_workspace_name
from fnplan.state.codec import decode_state, encode_state
from fnplan.state.journal import replay_records
from fnplan.state.lock import DEFAULT_LEASE, LockInfo, Warn, warn_to_stderr
from fnplan.state.model import State
from fnplan.state.pg_db import CONN_STR_ENV, PgDatabase, database_errors, first_line
from fnplan.state.pg_journal import PgJournal, replace_journal
from fnplan.state.pg_lock import PgLock

if TYPE_CHECKING:
    from fnplan.state.backend import ApplyJournal

DEFAULT_SCHEMA = "fnplan_state"
_SCHEMA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")


class PgBackend:
    """One workspace's state in PostgreSQL (satisfies fnplan.state.backend.StateBackend)."""

    def __init__(
        self,
        db: PgDatabase,
        workspace: str = DEFAULT_WORKSPACE,
        *,
        lock_timeout: float = 0.0,
        operation_holder: str | None = None,
        lease: float = DEFAULT_LEASE,
        warn: Warn = warn_to_stderr,
    ) -> None:
        self.db = db
        self.workspace = workspace
        self.source = Path(f"{db.description}, workspace {workspace!r}")
        self._lock = PgLock(
            db.connect,
            f"{db.schema}.locks",
            workspace,
            timeout=lock_timeout,
            lease=lease,
            who=operation_holder,
            warn=warn,
        )
        self._held: LockInfo | None = None
        self._journal: PgJournal | None = None
        self._known_version: int | None = None

    def read(self) -> State:
        """The recorded state (new and empty if none), with any interrupted apply replayed."""
        with database_errors(self.db.description), self.db.connect() as conn, conn.transaction():
            row = conn.execute(
                f"SELECT data, version FROM {self.db.schema}.states WHERE name = %s",
                (self.workspace,),
            ).fetchone()
            lines = conn.execute(
                f"SELECT line FROM {self.db.schema}.journal WHERE name = %s ORDER BY seq",
                (self.workspace,),
            ).fetchall()
        state = State() if row is None else decode_state(row[0].encode(), self.source)
        self._known_version = None if row is None else row[1]
        journal = "".join(line + "\n" for (line,) in lines).encode()
        return replay_records(journal, self.source, state, state_exists=row is not None)

    def write(self, state: State) -> None:
        """Save `state` as the next serial in one transaction with the journal's checkpoint."""
        saved = state.model_copy(update={"serial": state.serial + 1, "fnplan_version": __version__})
        data = encode_state(saved).decode()
        with database_errors(self.db.description), self.db.connect() as conn, conn.transaction():
            cursor = conn.cursor()
            self._check_overwritable(cursor)
            if self._held is not None:
                self._lock.check(conn, self._held)
            row = cursor.execute(
                f"INSERT INTO {self.db.schema}.states AS s (name, data, version) "
                "VALUES (%s, %s, 1) ON CONFLICT (name) DO UPDATE "
                "SET data = EXCLUDED.data, backup = s.data, version = s.version + 1 "
                "RETURNING version",
                (self.workspace, data),
            ).fetchone()
            if self._journal is not None:
                self._journal.checkpoint(cursor, saved)
            else:
                replace_journal(cursor, self.db.schema, self.workspace, [])
        self._known_version = row[0] if row is not None else None
        state.serial, state.fnplan_version = saved.serial, saved.fnplan_version

    @contextlib.contextmanager
    def lock(self, operation: str) -> Iterator[LockInfo]:
        """Hold the workspace's lock row for `operation`, renewing its lease."""
        with database_errors(self.db.description), self._lock.hold(operation) as info:
            self._held = info
            try:
                yield info
            finally:
                self._held = None

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Remove the lock if its ID matches (for a holder that is known to be gone)."""
        with database_errors(self.db.description), self.db.connect() as conn:
            return self._lock.force_unlock(conn, lock_id)

    def current_lock(self) -> LockInfo | None:
        """Who holds the lock now, or None."""
        with database_errors(self.db.description), self.db.connect() as conn:
            return self._lock.current(conn)

    def journal(self, state: State) -> ApplyJournal:
        """Open the apply journal (rows in the journal table) for an apply against `state`."""
        if self._journal is not None:
            raise StateError(f"{self.source}: an apply journal is already open")
        with database_errors(self.db.description):
            self._journal = PgJournal(
                self.db.connect(),
                self.db.schema,
                self.workspace,
                state,
                description=self.db.description,
                held=self._held,
                on_close=self._journal_closed,
            )
        return self._journal

    def _journal_closed(self, journal: PgJournal) -> None:
        if self._journal is journal:
            self._journal = None

    def _check_overwritable(self, cursor: psycopg.Cursor) -> None:
        """Refuse to replace a stored state this fnplan cannot read (corrupt, newer format);
        one read or written by this backend is known good by its write counter."""
        row = cursor.execute(
            f"SELECT data, version FROM {self.db.schema}.states WHERE name = %s FOR UPDATE",
            (self.workspace,),
        ).fetchone()
        if row is None or row[1] == self._known_version:
            return
        try:
            decode_state(row[0].encode(), self.source)
        except StateError as exc:
            exc.message = f"refusing to overwrite the state: {exc.message}"
            raise


class PgWorkspaces:
    """The workspaces of one pg schema: `default` plus a row of `states` per other name."""

    def __init__(self, db: PgDatabase, *, lock_timeout: float = 0.0) -> None:
        self.db = db
        self.description = db.description
        self.lock_timeout = lock_timeout

    def list(self) -> list[str]:
        with database_errors(self.db.description), self.db.connect() as conn:
            rows = conn.execute(f"SELECT name FROM {self.db.schema}.states").fetchall()
        return sorted({DEFAULT_WORKSPACE, *(name for (name,) in rows)})

    def new(self, name: str) -> None:
        """Create the workspace's row holding an empty state."""
        check_workspace_name(name)
        empty = encode_state(State()).decode()
        created = 0
        if name != DEFAULT_WORKSPACE:
            with database_errors(self.db.description), self.db.connect() as conn:
                created = conn.execute(
                    f"INSERT INTO {self.db.schema}.states (name, data, version) "
                    "VALUES (%s, %s, 1) ON CONFLICT (name) DO NOTHING",
                    (name, empty),
                ).rowcount
        if created != 1:
            raise StateError(f"workspace {name!r} already exists in the {self.description} backend")

    def delete(self, name: str) -> None:
        """Remove the workspace's state and journal rows; refused while it is locked."""
        with database_errors(self.db.description), self.db.connect() as conn, conn.transaction():
            holder = conn.execute(
                f"SELECT info FROM {self.db.schema}.locks WHERE name = %s FOR UPDATE", (name,)
            ).fetchone()
            if holder is not None:
                raise LockError(
                    f"workspace {name!r} is locked: "
                    f"{LockInfo.model_validate_json(holder[0]).describe()}"
                )
            conn.execute(f"DELETE FROM {self.db.schema}.journal WHERE name = %s", (name,))
            conn.execute(f"DELETE FROM {self.db.schema}.states WHERE name = %s", (name,))

    def state(self, name: str) -> PgBackend:
        return PgBackend(self.db, name, lock_timeout=self.lock_timeout)


def pg_database(config: Mapping[str, Any], pos: str | None) -> PgDatabase:
    """The database a `backend "pg"` block names; ConfigError for a missing or bad setting."""
    where = SourcePos.parse(pos)
    conn_str = config.get("conn_str") or os.environ.get(CONN_STR_ENV)
    if not isinstance(conn_str, str) or not conn_str:
        raise ConfigError(
            'backend "pg" needs a connection string',
            pos=where,
            hint=f'set conn_str = "postgres://USER@HOST/DB" in the block, or {CONN_STR_ENV}',
        )
    schema_name = config.get("schema_name", DEFAULT_SCHEMA)
    if not isinstance(schema_name, str) or not _SCHEMA_NAME.fullmatch(schema_name):
        raise ConfigError(
            f'backend "pg": invalid schema_name {schema_name!r}',
            pos=where,
            hint="use letters, digits and '_', starting with a letter or '_' (at most 63)",
        )
    try:
        return PgDatabase(conn_str, schema_name)
    except psycopg.ProgrammingError as exc:
        raise ConfigError(
            f'backend "pg": conn_str is not a valid connection string: {first_line(exc)}',
            pos=where,
        ) from None
