"""Whether a recorded run is still being written: its writer holds a lock on the log file.

The lock is an flock(2) lock on the log's own file descriptor, taken before the first record
and released by the operating system when the writer closes it or ends however it ends
(kill -9 included). A log without a final record that nobody holds locked was abandoned:
fnplan run or serve was killed while running it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path


def hold(fd: int) -> None:
    """Take the writer's lock on a new log file (its creator is the only one who has it open)."""
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def holder() -> str:
    """Who is writing, for the first record and for the reason a run was abandoned."""
    return f"pid {os.getpid()}, {_process_name()}"


@contextlib.contextmanager
def claim_if_abandoned(log_path: Path) -> Iterator[bool]:
    """True while this process holds the lock of a log nobody else holds (its writer is gone),
    so the caller may mark the run after checking that the writer did not just finish."""
    try:
        fd = os.open(log_path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # releases the lock


def _process_name() -> str:
    """E.g. "fnplan serve": what `ps` would show the user, shortly."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if program in ("__main__.py", "fnplan") or program.startswith("fnplan"):
        program = "fnplan"
    return " ".join([program, *sys.argv[1:2]])
