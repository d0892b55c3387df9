"""A registry of small JSON entries, one file per key (local/events/, local/triggers/).

One file per entry keeps observe, create and delete O(1) at 10,000 entries (one shared
file would be rewritten whole on every change); listing reads the directory once. Each
key has its own lock; writes are atomic, and the directory goes when its last entry does.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from .disk import LOCKS, atomic_write_json, encode_address, prune_empty, read_json

_SUFFIX = ".json"


class JsonRegistry:
    """Entries (JSON objects) by key, stored as <directory>/<encoded key>.json."""

    def __init__(self, directory: Path, root: Path) -> None:
        self.directory = directory
        self._root = root

    def lock(self, key: str) -> threading.RLock:
        """The lock to hold around a read-check-write of one key."""
        return LOCKS.get(str(self._path(key)))

    def get(self, key: str) -> dict[str, Any] | None:
        """The entry for `key`, or None."""
        entry = read_json(self._path(key))
        return entry if isinstance(entry, dict) else None

    def put(self, key: str, entry: dict[str, Any]) -> None:
        """Store the entry for `key` atomically (unchanged entries are not rewritten)."""
        with self.lock(key):
            if self.get(key) != entry:
                atomic_write_json(self._path(key), entry)

    def remove(self, key: str) -> None:
        """Remove the entry for `key` (a missing one is fine)."""
        with self.lock(key):
            self._path(key).unlink(missing_ok=True)
            prune_empty(self.directory, self._root)

    def all(self) -> dict[str, dict[str, Any]]:
        """Every entry by key."""
        try:
            names = os.listdir(self.directory)
        except FileNotFoundError:
            return {}
        keys = (unquote(name[: -len(_SUFFIX)]) for name in names if name.endswith(_SUFFIX))
        entries = {key: self.get(key) for key in keys}
        return {key: entry for key, entry in sorted(entries.items()) if entry is not None}

    def _path(self, key: str) -> Path:
        return self.directory / f"{encode_address(key)}{_SUFFIX}"
