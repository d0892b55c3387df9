"""State locks: the lock record, the one acquire loop every backend uses, the lease renewer,
and the local backend's lock file.

Every backend keeps its lock somewhere that one conditional create wins (a file created with
O_CREAT|O_EXCL, a row inserted ON CONFLICT DO NOTHING, an S3 object with If-None-Match, a
Kubernetes Lease): it implements `LockSlot`, and `acquire` does the rest the same way for all
of them: waiting up to --lock-timeout and saying so, breaking the lock of a dead process on
this host, and naming a holder that stays.

The local lock file is removed or rewritten only under an fcntl flock on the state's
directory, so breaking a stale lock never removes a fresh one created in between.
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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict, ValidationError

from fnplan.errors import FnplanError, LockError, LockLostError
from fnplan.state._fs import write_all

DEFAULT_LEASE = 30.0
_POLL_SECONDS = 0.1
_TORN_GRACE_SECONDS = 2.0  # a lock file this young may still be being written by its creator
_PROGRESS_EVERY = 10.0  # seconds between "still waiting" lines

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

    def renewed(self, lease: float) -> LockInfo:
        """This lock with its lease running `lease` seconds from now."""
        return self.model_copy(update={"expires": datetime.now(UTC) + timedelta(seconds=lease)})

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


def progress_to_stderr(message: str) -> None:
    """Where a fnplan waiting for the lock says so: one line on stderr."""
    print(message, file=sys.stderr)


class LockSlot(Protocol):
    """Where a backend keeps its lock, as the shared acquire loop uses it.

    try_create  store `info` only if no lock is there (exactly one concurrent creator wins)
    blocker     the lock there now; a LockError when it cannot be read (reported at the
                deadline); None when it just went
    break_lock  remove `holder`'s lock only if it is still that one; whether it did
    """

    def try_create(self, info: LockInfo) -> bool: ...

    def blocker(self) -> LockInfo | LockError | None: ...

    def break_lock(self, holder: LockInfo) -> bool: ...


@dataclass(frozen=True, slots=True)
class Claimant:
    """Who takes a lock: the `who` and host a LockInfo names, and the lease it holds."""

    who: str
    host: str
    lease: float

    @classmethod
    def here(cls, who: str | None, lease: float) -> Claimant:
        """This process, as `who` (default user@host)."""
        host = socket.gethostname()
        return cls(who or f"{current_user()}@{host}", host, lease)


def acquire(
    slot: LockSlot,
    operation: str,
    claimant: Claimant,
    *,
    timeout: float,
    warn: Warn,
    progress: Warn = progress_to_stderr,
    poll: float = _POLL_SECONDS,
) -> LockInfo:
    """Take the lock in `slot` for `operation`, waiting up to `timeout` seconds (and saying
    so): a holder on this host whose process is gone is broken with a warning; a holder that
    stays past the deadline is named in the LockError (STALE when its lease expired)."""
    deadline = time.monotonic() + timeout
    waiting = _Waiting(timeout, progress)
    while True:
        info = LockInfo.new(operation, who=claimant.who, host=claimant.host, lease=claimant.lease)
        if slot.try_create(info):
            return info
        blocker = slot.blocker()
        if blocker is None:
            continue
        if isinstance(blocker, LockInfo):
            if blocker.host == claimant.host and not process_exists(blocker.pid):
                if slot.break_lock(blocker):
                    warn(
                        "broke the state lock of a process that no longer exists "
                        f"({blocker.describe()})"
                    )
                continue
            error = held_error(blocker)
        else:
            error = blocker
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise error
        waiting.report(blocker)
        time.sleep(min(poll, remaining))


class _Waiting:
    """The lines a waiting acquire prints: when it starts waiting, when the holder changes,
    and every _PROGRESS_EVERY seconds."""

    def __init__(self, timeout: float, progress: Warn) -> None:
        self._timeout, self._progress = timeout, progress
        self._started = time.monotonic()
        self._last: tuple[str, float] | None = None  # (holder, when reported)

    def report(self, blocker: LockInfo | LockError) -> None:
        holder = blocker.describe() if isinstance(blocker, LockInfo) else blocker.message
        now = time.monotonic()
        if self._last is not None and self._last[0] == holder:
            if now - self._last[1] < _PROGRESS_EVERY:
                return
            self._progress(
                f"still waiting for the state lock ({now - self._started:.0f}s of "
                f"{self._timeout:g}s): {holder}"
            )
        else:
            self._progress(f"waiting up to {self._timeout:g}s for the state lock: {holder}")
        self._last = (holder, now)


def check_unlock(holder: LockInfo | None, lock_id: str, where: str) -> LockInfo:
    """The lock `force-unlock LOCK_ID` may remove: `holder` if its ID is `lock_id`; a LockError
    when nothing is locked (`where` names the state) or another lock is held."""
    if holder is None:
        raise LockError(f"{where}: the state is not locked; there is nothing to unlock")
    if holder.id != lock_id:
        raise LockError(
            f"lock ID {lock_id!r} does not match the current lock ({holder.describe()})",
            hint=f"to break that lock run: fnplan force-unlock {holder.id}",
        )
    return holder


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
        self.claimant = Claimant.here(who, lease)
        self.warn = warn
        self._verified: tuple[str, int, int] | None = None  # (lock ID, inode, mtime) read as ours

    @contextlib.contextmanager
    def hold(self, operation: str) -> Iterator[LockInfo]:
        """Hold the lock for `operation`, renewing its lease until the block ends."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with held(
            self,
            operation,
            self.claimant,
            timeout=self.timeout,
            warn=self.warn,
            lease=self.lease,
            renew=self.renew,
            release=self._release,
        ) as info:
            yield info

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
            holder = check_unlock(self.current(), lock_id, str(self.path))
            self.path.unlink()
            return holder

    def try_create(self, info: LockInfo) -> bool:
        """Create the lock file holding `info` unless one exists (LockSlot)."""
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            return False
        try:
            write_all(fd, info.model_dump_json().encode())
        finally:
            os.close(fd)
        return True

    def blocker(self) -> LockInfo | LockError | None:
        """The lock file's holder; a file still being written is a LockError (LockSlot)."""
        try:
            return self._read()
        except _UnreadableLock as exc:
            if exc.age >= _TORN_GRACE_SECONDS:
                return self._unreadable_error(exc)
            return LockError(f"{self.path}: the state lock is being taken by another process")

    def break_lock(self, holder: LockInfo) -> bool:
        """Remove `holder`'s lock file if it is still there, under the guard (LockSlot)."""
        with self._guard():
            try:
                still = self._read()
            except _UnreadableLock:
                return False
            if still is None or still.id != holder.id:
                return False
            self.path.unlink()
            return True

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
            renewed = info.renewed(self.lease)
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


def _error_text(error: Exception) -> str:
    """An error as a renewer's warning says it: fnplan's own message, else the first line."""
    if isinstance(error, FnplanError):
        return error.message
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


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
    ) -> None:
        super().__init__(name=f"fnplan-lock-renew-{info.id[:8]}", daemon=True)
        self._info, self._lease, self._renew, self._warn = info, lease, renew, warn
        self._lost, self._transient = lost, transient
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self._lease / 3):
            try:
                renewed = self._renew(self._info)
            except self._transient as exc:
                self._warn(f"could not renew the state lock's lease: {_error_text(exc)}")
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


@contextlib.contextmanager
def held(
    slot: LockSlot,
    operation: str,
    claimant: Claimant,
    *,
    timeout: float,
    warn: Warn,
    lease: float,
    renew: Callable[[LockInfo], LockInfo | None],
    release: Callable[[LockInfo], object],
    lost: threading.Event | None = None,
    transient: tuple[type[Exception], ...] = (),
    poll: float = _POLL_SECONDS,
) -> Iterator[LockInfo]:
    """How every backend holds its lock: taken by `acquire`, its lease renewed while the
    block runs (LeaseRenewer: `lost`, `transient`), then `release`d."""
    info = acquire(slot, operation, claimant, timeout=timeout, warn=warn, poll=poll)
    if lost is not None:
        lost.clear()
    renewer = LeaseRenewer(
        info, lease=lease, renew=renew, warn=warn, lost=lost, transient=transient
    )
    renewer.start()
    try:
        yield info
    finally:
        renewer.stop()
        release(info)


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
