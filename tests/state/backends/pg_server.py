"""A real PostgreSQL server for the tests: Debian's binaries, a private data directory, a free
port on 127.0.0.1; run as an unprivileged user when the tests run as root (PostgreSQL
refuses root). Without the binaries the pg tests skip, except under CI=true where they fail.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

_READY_SECONDS = 60.0
_UNPRIVILEGED = "nobody"


def find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin that has initdb and postgres (or $FNPLAN_PG_BINDIR)."""
    override = os.environ.get("FNPLAN_PG_BINDIR")
    candidates = [override] if override else glob.glob("/usr/lib/postgresql/*/bin")
    found = [Path(c) for c in candidates if (Path(c) / "initdb").exists()]
    return (
        max(found, key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
        if found
        else None
    )


def require_bindir() -> Path:
    """The binaries, or skip (fail under CI=true: CI must run the pg tests)."""
    bindir = find_bindir()
    if bindir is None:
        reason = (
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
            "(apt-get install postgresql); the pg backend tests need a real server"
        )
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return bindir


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a throwaway server; yields its connection string; stops it and removes its data."""
    bindir = require_bindir()
    root = Path(tempfile.mkdtemp(prefix="fnplan-pg-"))
    data = root / "data"
    user = _run_as()
    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-A",
                "trust",
                "-U",
                "fnplan",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
            user,
        )
        port = _free_port()
        log = (root / "server.log").open("wb")
        server = subprocess.Popen(
            [
                str(bindir / "postgres"),
                "-D",
                str(data),
                "-p",
                str(port),
                "-k",
                str(data),
                "-h",
                "127.0.0.1",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=200",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            user=user.pw_uid if user is not None else None,
            group=user.pw_gid if user is not None else None,
        )
        conn_str = f"postgresql://fnplan@127.0.0.1:{port}/postgres"
        try:
            _wait_ready(conn_str, server, root / "server.log")
            yield conn_str
        finally:
            server.send_signal(signal.SIGINT)  # fast shutdown
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _run_as() -> pwd.struct_passwd | None:
    return pwd.getpwnam(_UNPRIVILEGED) if os.geteuid() == 0 else None


def _run(argv: list[str], user: pwd.struct_passwd | None) -> None:
    result = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        user=user.pw_uid if user is not None else None,
        group=user.pw_gid if user is not None else None,
        timeout=120,
    )
    assert result.returncode == 0, f"{argv[0]} failed:\n{result.stdout}\n{result.stderr}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(conn_str: str, server: subprocess.Popen[bytes], log: Path) -> None:
    """Until the server answers a query (or exits, or the deadline passes)."""
    import psycopg

    deadline = time.monotonic() + _READY_SECONDS
    while True:
        if server.poll() is not None:
            raise AssertionError(f"postgres exited with {server.returncode}:\n{log.read_text()}")
        try:
            with psycopg.connect(conn_str, connect_timeout=2) as conn:
                conn.execute("SELECT 1")
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
