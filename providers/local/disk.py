"""On-disk layout of the local store and the safe file operations every kind uses.

Everything lives under <project>/.fnplan/local/. Writes are atomic (temp file + rename) so
readers (the executor, `fnplan serve`) never see a half-written file, and empty directories
are pruned so that destroying everything leaves nothing behind.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fnplan.errors import ProviderError
from fnplan.files import write_atomically

_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
_SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")

#: guards creating and pruning directories shared by several addresses
TREE_LOCK = threading.RLock()


class KeyedLocks:
    """One lock per key (an address or a file), shared by every provider instance in the process."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.RLock] = {}

    def get(self, key: str) -> threading.RLock:
        """The lock for `key`, created on first use."""
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = self._locks[key] = threading.RLock()
            return lock


LOCKS = KeyedLocks()


def encode_address(address: str) -> str:
    """A directory name for an address: safe characters kept, anything else as %XX (reversible)."""
    if _SAFE_NAME.fullmatch(address):
        return address
    return "".join(c if c in _SAFE else "".join(f"%{b:02X}" for b in c.encode()) for c in address)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where each kind of object is stored under <data_dir>/local."""

    root: Path

    @classmethod
    def under(cls, data_dir: Path, alias: str | None = None) -> Layout:
        """<data_dir>/local, or <data_dir>/local.ALIAS for `provider "local" { alias }`: each
        configuration deploys to a place of its own, as two cloud regions would."""
        return cls(data_dir / ("local" if alias is None else f"local.{alias}"))

    @property
    def runtimes(self) -> Path:
        return self.root / "runtimes"

    @property
    def functions(self) -> Path:
        return self.root / "functions"

    @property
    def workflows(self) -> Path:
        return self.root / "workflows"

    @property
    def events(self) -> Path:
        return self.root / "events"

    @property
    def triggers(self) -> Path:
        return self.root / "triggers"

    def function_dir(self, address: str) -> Path:
        return self.functions / encode_address(address)

    def workflow_dir(self, address: str) -> Path:
        return self.workflows / encode_address(address)


def read_json(path: str | Path) -> Any:
    """The parsed content of `path`, or None when it does not exist (str paths are faster)."""
    try:
        with open(path, "rb") as handle:
            text = handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ProviderError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ProviderError(
            f"{path} is corrupt ({exc}); it was changed outside fnplan",
            hint="delete the file and run `fnplan apply` again",
        ) from exc


def atomic_write_json(path: Path, data: Any) -> None:
    """Write JSON to `path` so that readers see either the old or the new content, never a mix."""
    make_dirs(path.parent)
    # Compact on purpose: the C encoder is ~10x faster than an indenting dump.
    write_atomically(path, (json.dumps(data, sort_keys=True) + "\n").encode("utf-8"))


def make_dirs(path: Path) -> None:
    """Create `path` and its parents without racing a concurrent prune of an empty parent.

    An existing directory needs no lock: prune only removes empty directories along the
    path of an address being deleted, never one another thread is creating into.
    """
    if path.is_dir():
        return
    with TREE_LOCK:
        path.mkdir(parents=True, exist_ok=True)


def remove_tree(path: Path) -> None:
    """Remove a directory tree if it exists (a file is unlinked)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def prune_empty(path: Path, stop_at: Path) -> None:
    """Remove `path` and then each parent up to and including `stop_at` while they are empty."""
    with TREE_LOCK:
        current = path
        while current == stop_at or stop_at in current.parents:
            try:
                current.rmdir()
            except FileNotFoundError:
                pass
            except OSError:
                return
            if current == stop_at:
                return
            current = current.parent
