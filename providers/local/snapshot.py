"""Immutable code snapshots: copying a source directory, fingerprinting it, checking it.

A fingerprint maps each file's relative path to its sha256, size and mtime_ns. Checking a
snapshot compares (size, mtime_ns) first and hashes only files that differ, so an intact
snapshot costs one directory walk and no reads. What compile leaves out of `source_hash`
(__pycache__ and .git directories, *.pyc files) is neither copied nor checked, so a snapshot
hashes exactly to its `source_hash`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

_IGNORED_DIRS = frozenset({"__pycache__", ".git"})
_IGNORED_SUFFIX = ".pyc"
_CHUNK = 1 << 20

Fingerprint = dict[str, dict[str, Any]]


def copy_source(source: Path, code_dir: Path) -> None:
    """Copy a function's source directory to `code_dir` (which must not exist).

    Content and permission bits only (shutil.copy): times and extended attributes are not the
    code, and skipping them saves syscalls that dominate publishing at 10,000 functions."""
    shutil.copytree(
        source,
        code_dir,
        ignore=_ignored,
        copy_function=shutil.copy,
    )


def _ignored(directory: str, names: list[str]) -> set[str]:
    """The names in `directory` that are not code (see the module docstring)."""
    return {
        name
        for name in names
        if name.endswith(_IGNORED_SUFFIX)
        or (name in _IGNORED_DIRS and os.path.isdir(os.path.join(directory, name)))
    }


def fingerprint(code_dir: Path) -> Fingerprint:
    """The sha256, size and mtime_ns of every file under `code_dir`."""
    return {
        rel: {"sha256": hash_file(Path(path)), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        for rel, (path, stat) in _walk(code_dir).items()
    }


def tree_hash(files: dict[str, str]) -> str:
    """One hash of a tree, from each relative path and its file's sha256."""
    digest = hashlib.sha256()
    for rel in sorted(files):
        digest.update(f"{rel}\0{files[rel]}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def check(code_dir: str | Path, expected: Fingerprint) -> str | None:
    """None when `code_dir` holds exactly the fingerprinted files, else its actual tree hash."""
    found = _walk(code_dir)
    changed = found.keys() != expected.keys()
    for rel, (path, stat) in found.items():
        if changed:
            break
        want = expected[rel]
        if (stat.st_size, stat.st_mtime_ns) != (want["size"], want["mtime_ns"]):
            changed = hash_file(Path(path)) != want["sha256"]
    if not changed:
        return None
    return tree_hash({rel: hash_file(Path(path)) for rel, (path, _) in found.items()})


def hash_file(path: Path) -> str:
    """The hex sha256 of a file's content."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _walk(root: str | Path) -> dict[str, tuple[str, os.stat_result]]:
    """Every file under `root` by relative POSIX path, with its stat (no reads)."""
    found: dict[str, tuple[str, os.stat_result]] = {}
    pending = [(str(root), "")]
    while pending:
        directory, prefix = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in _IGNORED_DIRS:
                        pending.append((entry.path, f"{prefix}{entry.name}/"))
                elif not entry.name.endswith(_IGNORED_SUFFIX):
                    found[prefix + entry.name] = (entry.path, entry.stat())
    return found
