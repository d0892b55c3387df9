"""An exclusive lock on one state file, held by a lease that a daemon thread keeps renewing.

The lock is a JSON file created with O_CREAT|O_EXCL. Every removal or rewrite of it happens
under an fcntl flock on the state's directory, so breaking a stale lock never removes a fresh
one that another process created in between.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from fnplan.errors import LockError, LockLostError
from fnplan.state._fs import write_all

DEFAULT_LEASE = 30.0
_POLL_SECONDS = 0.1
_TORN_GRACE_SECONDS = 2.0  # a lock file this young may still be being written by its creator

Warn = Callable[[str], None]


class LockInfo(BaseModel):
    """Who holds the state lock, for what, and until when the holder's lease runs."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str
    operation: str
    who: str
    pid: int
    host: str
    created: datetime
    expires: datetime

    @classmethod
    def new(cls, operation: str, *, who: str, host: str, lease: float) -> LockInfo:
        """A fresh lock held by this process, its lease running from now."""
        now = datetime.now(UTC)
        return cls(
            id=str(uuid.uuid4()),
            operation=operation,
            who=who,
            pid=os.getpid(),
            host=host,
            created=now,
            expires=now + timedelta(seconds=lease),
        )

    def is_stale(self, now: datetime | None = None) -> bool:
        """True when the holder stopped renewing its lease (hung, or its machine went away)."""
        return self.expires < (now or datetime.now(UTC))

    def describe(self) -> str:
        """One line naming the holder, for messages."""
        return (
            f"operation {self.operation!r} by {self.who}, pid {self.pid} on host {self.host}, "
            f"since {self.created.isoformat(timespec='seconds')}, lock ID {self.id}"
        )


def warn_to_stderr(message: str) -> None:
    """The default warning sink: one line on stderr."""
    print(f"warning: {message}", file=sys.stderr)


class _UnreadableLock(Exception):
    """The lock file exists but does not hold a complete LockInfo."""

    def __init__(self, age: float) -> None:
        super().__init__(f"unreadable lock file ({age:.1f}s old)")
        self.age = age


class StateLock:
    """Acquire, renew, release and break the lock file next to one state file."""

    def __init__(
        self,
        path: Path,
        *,
        timeout: float = 0.0,
        lease: float = DEFAULT_LEASE,
        who: str | None = None,
        warn: Warn = warn_to_stderr,
    ) -> None:
        self.path = path
        self.timeout = timeout
        self.lease = lease
        self.host = socket.gethostname()
        self.who = who or f"{current_user()}@{self.host}"
        self.warn = warn
        self._verified: tuple[str, int, int] | None = None  # (lock ID, inode, mtime) read as ours

    @contextlib.contextmanager
    def hold(self, operation: str) -> Iterator[LockInfo]:
        """Hold the lock for `operation`, renewing its lease until the block ends."""
        info = self.acquire(operation)
        renewer = LeaseRenewer(info, lease=self.lease, renew=self.renew, warn=self.warn)
        renewer.start()
        try:
            yield info
        finally:
            renewer.stop()
            self._release(info)

    def acquire(self, operation: str) -> LockInfo:
        """Take the lock, waiting up to `timeout` seconds; LockError names a holder that stays."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.timeout
        while True:
            info = LockInfo.new(operation, who=self.who, host=self.host, lease=self.lease)
            if self._try_create(info):
                return info
            blocker = self._blocker()
            if blocker is None:
                continue
            if time.monotonic() >= deadline:
                raise blocker
            time.sleep(min(_POLL_SECONDS, max(deadline - time.monotonic(), 0.0)))

    def current(self) -> LockInfo | None:
        """The lock as it is on disk now, or None when unlocked."""
        try:
            return self._read()
        except _UnreadableLock as exc:
            raise self._unreadable_error(exc) from None

    def check(self, info: LockInfo) -> None:
        """LockLostError unless the lock on disk is still `info`: called before each state or
        journal write, so an operation whose lock was broken stops instead of colliding."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            stat = None
        signature = (info.id, stat.st_ino, stat.st_mtime_ns) if stat is not None else None
        if signature is not None and signature == self._verified:
            return  # the file we last read as ours is still there, unchanged: a stat per write
        try:
            holder = self._read()
        except _UnreadableLock:  # ours is only ever replaced whole: a new holder is writing
            holder = None
        if holder is not None and holder.id == info.id:
            self._verified = signature
            return
        hint = (
            "nothing more was written; run `fnplan plan` once no other fnplan is running "
            "to see what this operation left undone"
        )
        if holder is None:
            raise LockLostError(
                f"the state lock of this {info.operation} (lock ID {info.id}) was removed by "
                "someone else (fnplan force-unlock?); stopped before the next state write",
                hint=hint,
            )
        raise LockLostError(
            f"the state lock of this {info.operation} was broken and is now held by another "
            f"fnplan ({holder.describe()}); stopped before the next state write",
            hint=hint,
        )

    def force_unlock(self, lock_id: str) -> LockInfo:
        """Remove the lock if its ID is `lock_id` (the user's explicit override); else LockError."""
        with self._guard() if self.path.parent.is_dir() else contextlib.nullcontext():
            holder = self.current()
            if holder is None:
                raise LockError(f"{self.path}: the state is not locked; there is nothing to unlock")
            if holder.id != lock_id:
                raise LockError(
                    f"lock ID {lock_id!r} does not match the current lock ({holder.describe()})",
                    hint=f"to break that lock run: fnplan force-unlock {holder.id}",
                )
            self.path.unlink()
            return holder

    def _try_create(self, info: LockInfo) -> bool:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        try:
            write_all(fd, info.model_dump_json().encode())
        finally:
            os.close(fd)
        return True

    def _blocker(self) -> LockError | None:
        """The error describing who blocks us, or None if the lock just went (try again at once)."""
        try:
            holder = self._read()
        except _UnreadableLock as exc:
            return (
                self._unreadable_error(exc)
                if exc.age >= _TORN_GRACE_SECONDS
                else LockError(f"{self.path}: the state lock is being taken by another process")
            )
        if holder is None:
            return None
        if holder.host == self.host and not process_exists(holder.pid):
            self._break_dead(holder)
            return None
        return held_error(holder)

    def _break_dead(self, holder: LockInfo) -> None:
        with self._guard():
            try:
                still = self._read()
            except _UnreadableLock:
                return
            if still is None or still.id != holder.id:
                return
            self.path.unlink()
        self.warn(f"broke the state lock of a process that no longer exists ({holder.describe()})")

    def _release(self, info: LockInfo) -> None:
        """Remove the lock file, but only if it is still ours (it may have been force-unlocked)."""
        with self._guard(), contextlib.suppress(_UnreadableLock):
            holder = self._read()
            if holder is not None and holder.id == info.id:
                self.path.unlink()

    def renew(self, info: LockInfo) -> LockInfo | None:
        """Extend our lease; None when the lock is no longer ours (it was broken or replaced)."""
        with self._guard():
            try:
                holder = self._read()
            except _UnreadableLock:
                return None
            if holder is None or holder.id != info.id:
                return None
            renewed = info.model_copy(
                update={"expires": datetime.now(UTC) + timedelta(seconds=self.lease)}
            )
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            tmp.write_text(renewed.model_dump_json())
            os.replace(tmp, self.path)
            return renewed

    def _read(self) -> LockInfo | None:
        try:
            data = self.path.read_bytes()
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return None
        try:
            return LockInfo.model_validate_json(data)
        except ValidationError:
            raise _UnreadableLock(age) from None

    def _unreadable_error(self, exc: _UnreadableLock) -> LockError:
        return LockError(
            f"{self.path}: the state lock file is unreadable ({exc.age:.0f}s old); "
            "its holder probably crashed while creating it",
            hint=f"if no other fnplan is running, delete {self.path}",
        )

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        """flock the state's directory itself, so the guard leaves no file behind."""
        fd = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the flock


class LeaseRenewer(threading.Thread):
    """Renews a held lease every lease/3 seconds until stopped (every backend's lock uses one).

    `renew` returns the renewed LockInfo, or None when the lock is no longer ours: then
    `lost` is set and the holder is warned once. An exception of a `transient` type stops
    renewing with a warning; the lock stays and its lease runs out (shown as STALE).
    """

    def __init__(
        self,
        info: LockInfo,
        *,
        lease: float,
        renew: Callable[[LockInfo], LockInfo | None],
        warn: Warn,
        lost: threading.Event | None = None,
        transient: tuple[type[Exception], ...] = (),
        explain: Callable[[Exception], str] = str,
    ) -> None:
        super().__init__(name=f"fnplan-lock-renew-{info.id[:8]}", daemon=True)
        self._info, self._lease, self._renew, self._warn = info, lease, renew, warn
        self._lost, self._transient, self._explain = lost, transient, explain
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self._lease / 3):
            try:
                renewed = self._renew(self._info)
            except self._transient as exc:
                self._warn(f"could not renew the state lock's lease: {self._explain(exc)}")
                return
            if renewed is None:
                if self._lost is not None:
                    self._lost.set()
                self._warn(lock_removed_warning(self._info))
                return
            self._info = renewed

    def stop(self) -> None:
        self._stopped.set()
        self.join()


def lock_removed_warning(info: LockInfo) -> str:
    """What a lease renewer says when it finds its lock gone (both backends say the same)."""
    return (
        f"the state lock {info.id} was removed by someone else "
        "(force-unlock?); this operation stops before its next state write"
    )


def held_error(holder: LockInfo) -> LockError:
    notes = []
    if holder.is_stale():
        notes.append(
            f"STALE: its lease expired at {holder.expires.isoformat(timespec='seconds')}; "
            "the holder stopped renewing it (hung, killed, or its machine went away)"
        )
    return LockError(
        f"the state is locked by another fnplan: {holder.describe()}",
        hint=f"if that operation is no longer running, break the lock with: "
        f"fnplan force-unlock {holder.id}",
        notes=notes,
    )


def process_exists(pid: int) -> bool:
    """Whether `pid` is a live process on this host (a zombie counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())
