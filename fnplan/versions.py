"""The identity of a function version, public for providers: `version_of(attributes)` is the
hash of a function's code (its `source_hash`) and configuration that compile records as
`version` (docs/resource-attributes.md). A provider that stores versions re-checks it when it
publishes and observes one, so stored content always matches its version hash."""

from __future__ import annotations

import hashlib
from typing import Any

from fnplan.compile.canonical import hash_json
from fnplan.inputs import UnsafeLink, walk_tree

__all__ = ["UNVERSIONED", "UnsafeLink", "source_files", "tree_hash", "version_of"]

#: attributes that do not take part in a function's version hash: the version itself, the
#: provider's retention hints, and the checkout location (code identity is `source_hash`)
UNVERSIONED = frozenset({"version", "retain_versions", "keep_versions", "source"})


def version_of(attributes: dict[str, Any]) -> str:
    """The version hash: code and configuration, nothing else (see UNVERSIONED)."""
    return hash_json({k: v for k, v in attributes.items() if k not in UNVERSIONED})


def source_files(directory: str) -> list[tuple[str, str]]:
    """(relative posix path, absolute path) of every file of a function's source tree, in
    path order, as compile hashes it (__pycache__, .git and *.pyc skipped; a link to a file
    inside the tree counts as that file, any other link raises UnsafeLink)."""
    return sorted((relative, path) for relative, path, _ in walk_tree(directory))


def tree_hash(file_digests: list[tuple[str, str]]) -> str:
    """A `source_hash` from (relative path, sha256 hex of the file) pairs in path order."""
    digest = hashlib.sha256()
    for relative, file_digest in file_digests:
        digest.update(f"{relative}\0{file_digest}\n".encode())
    return f"sha256:{digest.hexdigest()}"
