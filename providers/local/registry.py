"""A small JSON registry file (events.json, triggers.json) edited under a lock.

Every change is a read-modify-atomic-rewrite; when the last entry goes, the file goes too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fnplan.errors import ProviderError

from .disk import LOCKS, atomic_write_json, prune_empty, read_json


class JsonRegistry:
    """A JSON object of entries stored in one file under the local store's root."""

    def __init__(self, path: Path, root: Path) -> None:
        self.path = path
        self._root = root

    def read(self) -> dict[str, Any]:
        """All entries (empty when the file does not exist)."""
        data = read_json(self.path)
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ProviderError(f"{self.path} is corrupt: expected a JSON object")
        return data

    def change(self, mutate: Callable[[dict[str, Any]], None]) -> None:
        """Apply `mutate` to the entries and store the result atomically (or remove the file)."""
        with LOCKS.get(str(self.path)):
            before = self.read()
            entries = dict(before)
            mutate(entries)
            if entries == before and (entries or not self.path.exists()):
                return
            if entries:
                atomic_write_json(self.path, entries)
            elif self.path.exists():
                self.path.unlink()
                prune_empty(self.path.parent, self._root)
