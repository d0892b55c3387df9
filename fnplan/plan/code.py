"""The code a plan publishes: per `source_hash`, the exact files of that source tree.

A function resource names its code by `source_hash` ("sha256:" + sha256 over
"<relative posix path>\\0<sha256 of the file>\\n" in path order, docs/resource-attributes.md).
Capturing reads each file once, checks that the bytes read still hash to the planned
`source_hash`, and yields them, so what is saved or staged is exactly what was planned.
"""

from __future__ import annotations

import hashlib
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fnplan.errors import PlanError
from fnplan.inputs import walk_tree

if TYPE_CHECKING:
    from fnplan.plan.model import Plan

#: actions that publish what their resource describes
_PUBLISHING = frozenset({"create", "update", "replace"})
_HEX64 = re.compile(r"[0-9a-f]{64}")
#: a relative path inside a tree: no empty, "." or ".." part, no backslash or NUL
_PART = re.compile(r"[^/\\\x00]+")
MAX_PATH = 1024


@dataclass(frozen=True, slots=True)
class CodeFile:
    """One file of a source tree: where it goes, what it holds, whether it is executable."""

    path: str
    sha256: str
    executable: bool = False


def published_sources(plan: Plan) -> dict[str, str]:
    """The source directory of every code version the plan publishes, by `source_hash`."""
    found: dict[str, str] = {}
    for change in plan.changes:
        resource = change.resource
        if change.action not in _PUBLISHING or resource is None or resource.type != "function":
            continue
        source_hash = resource.attributes.get("source_hash")
        source = resource.attributes.get("source")
        if isinstance(source_hash, str) and isinstance(source, str):
            found.setdefault(source_hash, source)
    return found


def read_tree(source_hash: str, directory: str) -> Iterator[tuple[CodeFile, bytes]]:
    """Every file of `directory` with its bytes; raises PlanError at the end when the bytes
    read do not hash to `source_hash` (the code changed since it was planned)."""
    files: list[CodeFile] = []
    try:
        walked = sorted(walk_tree(directory))
        for relative, full, status in walked:
            data = Path(full).read_bytes()
            mode = _executable(status.st_mode)
            code = CodeFile(relative, hashlib.sha256(data).hexdigest(), mode)
            files.append(code)
            yield code, data
    except OSError as error:
        raise PlanError(
            f"{directory}: cannot read the function's code ({error.strerror}: {error.filename})",
            hint="make the plan again once the source directory is back",
        ) from error
    if tree_hash(files) != source_hash:
        raise PlanError(
            f"{directory}: the function's code changed after it was planned",
            hint="make the plan again (`fnplan plan --out FILE`), and do not edit the code "
            "while it is being planned or applied",
        )


def tree_hash(files: Iterable[CodeFile]) -> str:
    """The `source_hash` of a tree made of `files` (the formula compile uses)."""
    digest = hashlib.sha256()
    for code in sorted(files, key=lambda item: item.path):
        digest.update(f"{code.path}\0{code.sha256}\n".encode())
    return f"sha256:{digest.hexdigest()}"


def check_tree(source_hash: str, files: list[CodeFile], where: str) -> None:
    """A tree read from an untrusted place: safe relative paths, no duplicates, real hashes,
    and all of them together hashing to `source_hash`."""
    seen: set[str] = set()
    for code in files:
        if not is_safe_path(code.path):
            raise PlanError(f"{where}: unsafe file path {code.path!r} in code {source_hash}")
        if code.path in seen:
            raise PlanError(f"{where}: file {code.path!r} appears twice in code {source_hash}")
        if not _HEX64.fullmatch(code.sha256):
            raise PlanError(f"{where}: file {code.path!r} has no sha256 in code {source_hash}")
        seen.add(code.path)
    if tree_hash(files) != source_hash:
        raise PlanError(f"{where}: the files listed for code {source_hash} do not hash to it")


def is_safe_path(path: str) -> bool:
    """A relative POSIX path that stays inside the directory it is joined to."""
    if not path or len(path) > MAX_PATH or path.startswith("/"):
        return False
    return all(_PART.fullmatch(part) and part not in (".", "..") for part in path.split("/"))


def is_blob_name(name: str) -> bool:
    """Whether `name` is a hex sha256, the name of a content-addressed blob."""
    return _HEX64.fullmatch(name) is not None


def files_of(trees: Mapping[str, list[CodeFile]]) -> set[str]:
    """The sha256 of every file the trees need."""
    return {code.sha256 for files in trees.values() for code in files}


def _executable(mode: int) -> bool:
    return bool(mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH))
