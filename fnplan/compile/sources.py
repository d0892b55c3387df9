"""Content hashes of function source directories, with a per-file digest cache.

source_hash = "sha256:" + sha256 over, for every file in sorted relative-path order,
"<relative posix path>\\0<sha256 of its content>\\n". __pycache__, .git and *.pyc are skipped;
a relative link to a file inside the tree counts as that file, any other link is refused
(fnplan.inputs.walk_tree), so the hash covers exactly what a copy of the tree deploys.
Per-file digests are cached in `cache_dir/sources.json` keyed by absolute path and checked
against (size, mtime_ns), so a warm compile only stats files.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from fnplan.compile.index import to_pos
from fnplan.compile.model import CompileWarning
from fnplan.config.model import Function
from fnplan.config.modules import builtin_modules_dir
from fnplan.errors import ConfigError
from fnplan.files import write_atomically
from fnplan.inputs import UnsafeLink, record_tree, tree_signature, walk_tree
from fnplan.workspace import DATA_DIR

_CACHE_NAME = "sources.json"
_CHUNK = 1 << 20


def check_location(function: Function, project: Path) -> CompileWarning | None:
    """A source must neither hold fnplan's data directory (`source = "."` would copy every
    deployed version into the next one) nor lie inside it; one outside the project (and not a
    built-in module's) is allowed with a warning, as the project no longer says what it is."""
    source = Path(function.source).resolve()
    data = project / DATA_DIR
    pos = function.pos_of("source")
    if data.is_relative_to(source) or source.is_relative_to(data):
        where = "holds" if data.is_relative_to(source) else "is inside"
        raise ConfigError(
            f"function source {os.path.relpath(source, project)!r} {where} fnplan's data "
            f"directory {DATA_DIR}/ (the state and the deployed code)",
            pos=to_pos(pos),
            hint="keep each function's code in a directory of its own, e.g. ./functions/NAME",
        )
    if source.is_relative_to(project) or source.is_relative_to(builtin_modules_dir()):
        return None
    return CompileWarning(
        message=f"function source {str(source)!r} is outside the project directory",
        pos=pos,
        hint="its code is deployed from there, but the project does not hold or version it",
    )


def source_warnings(functions: Iterable[Function], project: Path) -> list[CompileWarning]:
    """A warning for each function whose source lies outside the project directory."""
    return [w for function in functions if (w := check_location(function, project)) is not None]


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
        try:
            walked = sorted(walk_tree(directory))
        except UnsafeLink as error:
            raise ConfigError(
                f"function source {directory}: {error.message}", pos=to_pos(pos), hint=error.hint
            ) from None
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
