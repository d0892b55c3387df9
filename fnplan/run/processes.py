"""The processes that steps are waiting on right now, so that an interrupted run (Ctrl-C)
can stop them at once instead of waiting for every running step to finish."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_busy: set[int] = set()


@contextlib.contextmanager
def busy(pid: int) -> Iterator[None]:
    """Mark process `pid` as doing a step's work for the duration of the block."""
    with _lock:
        _busy.add(pid)
    try:
        yield
    finally:
        with _lock:
            _busy.discard(pid)


def kill_busy() -> None:
    """Kill every process a step is waiting on, with the process group it leads; the waiting
    steps then fail at once (WorkerCrashed, ShellError)."""
    with _lock:
        pids = list(_busy)
    for pid in pids:
        for kill in (os.killpg, os.kill):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill(pid, signal.SIGKILL)
