"""Connections to the pg backend's database: one schema, its tables created on first use, and
database failures turned into StateErrors (never a traceback)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import psycopg

from fnplan.errors import StateError

CONN_STR_ENV = "PG_CONN_STR"
_TABLES = """
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.states (
    name text PRIMARY KEY, data text NOT NULL, backup text, version bigint NOT NULL);
CREATE TABLE IF NOT EXISTS {s}.journal (
    name text NOT NULL, seq bigserial, line text NOT NULL, PRIMARY KEY (name, seq));
CREATE TABLE IF NOT EXISTS {s}.locks (name text PRIMARY KEY, id text NOT NULL, info text NOT NULL);
"""


class PgDatabase:
    """Connections to one schema of one database, created on first use."""

    def __init__(self, conn_str: str, schema_name: str) -> None:
        self.conn_str = conn_str
        self.schema_name = schema_name
        self.schema = f'"{schema_name}"'
        self._ready = False
        info = psycopg.conninfo.conninfo_to_dict(conn_str)
        where = f"{info.get('host') or 'localhost'}:{info.get('port') or 5432}"
        self.description = f"pg (schema {schema_name} of {info.get('dbname') or '?'} at {where})"

    def connect(self) -> psycopg.Connection:
        """A new autocommit connection; StateError says why none could be made."""
        try:
            conn = psycopg.connect(self.conn_str, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StateError(
                f"cannot connect to the {self.description} backend: {first_line(exc)}",
                hint=f"check conn_str in the backend block (or {CONN_STR_ENV}) and that the "
                "server is running",
            ) from None
        if not self._ready:
            self._create_tables(conn)
        return conn

    def _create_tables(self, conn: psycopg.Connection) -> None:
        """Create the schema and tables unless they exist (serialised between processes)."""
        found = conn.execute("SELECT to_regclass(%s)", (f"{self.schema}.locks",)).fetchone()
        if found is None or found[0] is None:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (self.schema_name,))
                for statement in _TABLES.format(s=self.schema).split(";"):
                    if statement.strip():
                        conn.execute(statement.encode())
        self._ready = True


@contextlib.contextmanager
def database_errors(description: str) -> Iterator[None]:
    """A database failure in the middle of an operation is a StateError, not a traceback."""
    try:
        yield
    except psycopg.Error as exc:
        raise StateError(
            f"the {description} backend failed: {first_line(exc)}",
            hint="nothing was written by the failed statement; run the command again once "
            "the database is reachable",
        ) from None


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
