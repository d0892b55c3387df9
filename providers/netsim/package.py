"""A function's code as netsim uploads it: each file's sha256 by relative path, and the tree
hash that must equal the function's `source_hash` (docs/resource-attributes.md)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

_IGNORED_DIRS = frozenset({"__pycache__", ".git"})
_IGNORED_SUFFIX = ".pyc"


def package(source: Path) -> dict[str, str]:
    """Relative POSIX path -> sha256 of every file under `source` (what compile hashes)."""
    files: dict[str, str] = {}
    for directory, subdirs, names in os.walk(source):
        subdirs[:] = [d for d in subdirs if d not in _IGNORED_DIRS]
        for name in names:
            if name.endswith(_IGNORED_SUFFIX):
                continue
            path = Path(directory, name)
            files[path.relative_to(source).as_posix()] = hashlib.sha256(
                path.read_bytes()
            ).hexdigest()
    return files


def tree_hash(files: dict[str, str]) -> str:
    """The `source_hash` of a package: sha256 over "<path>\\0<file sha256>\\n" in path order."""
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(f"{rel}\0{files[rel]}\n".encode())
    return f"sha256:{digest.hexdigest()}"
