"""Content hashes of function source directories, with a per-file digest cache.

source_hash = "sha256:" + sha256 over, for every file in sorted relative-path order,
"<relative posix path>\\0<sha256 of its content>\\n". __pycache__, .git and *.pyc are skipped.
Per-file digests are cached in `cache_dir/sources.json` keyed by absolute path and checked
against (size, mtime_ns), so a warm compile only stats files.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from fnplan.compile.index import to_pos
from fnplan.errors import ConfigError
from fnplan.files import write_atomically
from fnplan.inputs import record_tree, tree_signature, walk_tree

_CACHE_NAME = "sources.json"
_CHUNK = 1 << 20


class SourceHasher:
    """Hashes source directories; reuse one instance per compile and call `save()` at the end."""

    def __init__(self, cache_dir: Path | None) -> None:
        self._cache_path = cache_dir / _CACHE_NAME if cache_dir is not None else None
        self._entries: dict[str, list[object]] = self._load()
        self._dirty = False

    def source_hash(self, directory: str, pos: str | None = None) -> str:
        """The content hash of every file under `directory` ("sha256:<hex>")."""
        if not os.path.isdir(directory):
            raise ConfigError(
                f"function source {directory!r} is not a directory",
                pos=to_pos(pos),
                hint="`source` must name a directory holding the function's code",
            )
        walked = sorted(walk_tree(directory))
        record_tree(directory, tree_signature(directory, walked))
        total = hashlib.sha256()
        for relative, full, stat in walked:
            total.update(f"{relative}\0{self._file_digest(full, stat)}\n".encode())
        return f"sha256:{total.hexdigest()}"

    def save(self) -> None:
        """Write the digest cache back (atomically) if anything changed."""
        if self._cache_path is None or not self._dirty:
            return
        self._cache_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(
            self._cache_path, json.dumps(self._entries, separators=(",", ":")).encode()
        )
        self._dirty = False

    def _load(self) -> dict[str, list[object]]:
        if self._cache_path is None:
            return {}
        try:
            data = json.loads(self._cache_path.read_text())
        except (OSError, ValueError):
            return {}  # missing or corrupt: start afresh, it is only a cache
        return data if isinstance(data, dict) else {}

    def _file_digest(self, full: str, stat: os.stat_result) -> str:
        entry = self._entries.get(full)
        if entry is not None and entry[0] == stat.st_size and entry[1] == stat.st_mtime_ns:
            return str(entry[2])
        digest = hashlib.sha256()
        with open(full, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
        self._entries[full] = [stat.st_size, stat.st_mtime_ns, digest.hexdigest()]
        self._dirty = True
        return digest.hexdigest()
