"""Whether a recorded run is still being written: the writer holds a lease on <execution>.lock.

The lease is an flock(2) lock, which the operating system releases when the process ends
however it ends (kill -9 included). A run whose log has no final record and whose lease
nobody holds was abandoned: fnplan run or serve was killed while running it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from fnplan.errors import FnplanError
from fnplan.run.runfiles import RunFiles


class RunLease:
    """Held by the process writing one run's log, from before its first record to after its last."""

    def __init__(self, files: RunFiles, workflow: str, execution_id: str) -> None:
        self.path = files.path(workflow, f"{execution_id}.lock")
        try:
            self._fd = files.create(workflow, self.path.name)
        except FileExistsError:
            raise FnplanError(
                f"execution {execution_id!r} of workflow {workflow!r} is already being recorded "
                f"({self.path} exists)",
                hint="give a new --execution-id, or leave it out for a generated one",
            ) from None
        fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.write(self._fd, f"pid {os.getpid()}, {_process_name()}".encode())

    def release(self) -> None:
        """The run has its final record: remove the lease file, then let go of the lock."""
        self.path.unlink(missing_ok=True)
        os.close(self._fd)


def lease_path(log_path: Path) -> Path:
    """The lease file of the run logged in `log_path`."""
    return log_path.with_suffix(".lock")


@contextlib.contextmanager
def claim_if_abandoned(log_path: Path) -> Iterator[str | None]:
    """Why the run of `log_path` has no writer left, or None while its writer holds the lease.

    While a reason is yielded this process holds the lease, so the caller may mark the run
    (after checking that the writer did not finish meanwhile); the lease file goes afterwards.
    """
    lock = lease_path(log_path)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError:  # a read-only log directory: nothing can be judged or marked
        yield None
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield None
            return
        holder = os.read(fd, 4096).decode("utf-8", "replace").strip()
        who = f"the process that ran it ({holder})" if holder else "the process that ran it"
        yield f"{who} ended before the run finished (killed or crashed)"
        lock.unlink(missing_ok=True)
    finally:
        os.close(fd)


def _process_name() -> str:
    """E.g. "fnplan serve": what `ps` would show the user, shortly."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if program in ("__main__.py", "fnplan") or program.startswith("fnplan"):
        program = "fnplan"
    return " ".join([program, *sys.argv[1:2]])
