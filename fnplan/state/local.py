"""The local backend: the state as one JSON file, with backup, lock and journal beside it.

Writes are atomic (temp file, fsync, rename, directory fsync), so a crash leaves either the
old or the new state, never half of one; a file this process cannot read is never overwritten.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from fnplan import __version__
from fnplan.errors import StateError
from fnplan.state._fs import fsync_directory, write_all
from fnplan.state.codec import backup_path, decode_state, encode_state
from fnplan.state.journal import Journal, replay_journal
from fnplan.state.lock import DEFAULT_LEASE, StateLock, Warn, warn_to_stderr
from fnplan.state.locked_backend import LockedBackend
from fnplan.state.model import State

_Signature = tuple[int, int, int]  # (inode, size, mtime_ns) of a file known to be readable


class LocalBackend(LockedBackend):
    """State in a local file (e.g. <project>/.fnplan/state.json) with .backup, .lock, .journal."""

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float = 0.0,
        operation_holder: str | None = None,
        lease: float = DEFAULT_LEASE,
        warn: Warn = warn_to_stderr,
    ) -> None:
        self.path = Path(path)
        self.backup_path = backup_path(self.path)
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self._lock = StateLock(
            self.path.with_name(self.path.name + ".lock"),
            timeout=lock_timeout,
            lease=lease,
            who=operation_holder,
            warn=warn,
        )
        self._known_good: _Signature | None = None
        self._journal: Journal | None = None

    def read(self) -> State:
        """The recorded state (new and empty if none), with any interrupted apply replayed."""
        handle = self._open_existing()
        if handle is None:
            return replay_journal(self.journal_path, State(), state_exists=False)
        with handle:
            signature = _signature(os.fstat(handle.fileno()))
            data = handle.read()
        state = decode_state(data, self.path)
        self._known_good = signature
        return replay_journal(self.journal_path, state, state_exists=True)

    def write(self, state: State) -> None:
        """Save `state` atomically as the next serial (set in `state` too); old file -> backup."""
        self._check_held()
        self._check_overwritable()
        saved = state.model_copy(update={"serial": state.serial + 1, "fnplan_version": __version__})
        data = encode_state(saved)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.exists():
                self._backup()
            self._known_good = _replace_atomically(self.path, data)
        except OSError as exc:
            raise StateError(
                f"{self.path}: could not save the state: {exc.strerror or exc}",
                hint="the previous state file is intact; fix the cause and run the command again",
            ) from exc
        state.serial, state.fnplan_version = saved.serial, saved.fnplan_version
        if self._journal is not None:
            self._journal.checkpoint(saved)
        else:
            self.journal_path.unlink(missing_ok=True)

    def journal(self, state: State) -> Journal:
        """Open the apply journal for an apply against `state`; records lineage and serial first."""
        if self._journal is not None:
            raise StateError(f"{self.journal_path}: an apply journal is already open")
        self._journal = Journal(
            self.journal_path, state, on_close=self._journal_closed, check=self._check_held
        )
        return self._journal

    def _journal_closed(self, journal: Journal) -> None:
        if self._journal is journal:
            self._journal = None

    def _check_overwritable(self) -> None:
        """Refuse to replace a state file that cannot be read (corrupt, or from a newer fnplan)."""
        handle = self._open_existing()
        if handle is None:
            return
        with handle:
            signature = _signature(os.fstat(handle.fileno()))
            if signature == self._known_good:
                return
            data = handle.read()
        try:
            decode_state(data, self.path)
        except StateError as exc:
            exc.message = f"refusing to overwrite the state: {exc.message}"
            raise
        self._known_good = signature

    def _open_existing(self) -> BinaryIO | None:
        """The state file opened for reading, None if there is none; StateError if unreadable."""
        try:
            return self.path.open("rb")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(
                f"{self.path}: cannot read the state file: {exc.strerror or exc}",
                hint="check the backend path and its permissions",
            ) from exc

    def _backup(self) -> None:
        """Keep the current file as the backup: a hard link (no copy), else a copy; then rename."""
        staging = self.backup_path.with_name(f"{self.backup_path.name}.{os.getpid()}.tmp")
        staging.unlink(missing_ok=True)
        try:
            os.link(self.path, staging)
        except OSError:
            shutil.copyfile(self.path, staging)
        try:
            os.replace(staging, self.backup_path)
        except OSError:
            staging.unlink(missing_ok=True)
            raise


def _replace_atomically(path: Path, data: bytes) -> _Signature:
    """Write `data` to a temp file beside `path`, fsync, rename over `path`, fsync the directory."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with contextlib.suppress(FileNotFoundError):
            os.fchmod(fd, path.stat().st_mode & 0o777)
        write_all(fd, data)
        os.fsync(fd)
        signature = _signature(os.fstat(fd))
        os.close(fd)
        fd = -1
        os.replace(tmp_name, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        Path(tmp_name).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)
    return signature


def _signature(stat: os.stat_result) -> _Signature:
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)
