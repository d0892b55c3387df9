"""Saved plans that carry code: one zip file whose first member is the plan JSON.

Members, in this order:

    plan.json        the plan (schemas/plan.schema.json), as a plain saved plan holds it
    blobs/<sha256>   each distinct file content once, named by its sha256
    code.json        {"format_version": 1, "trees": {"<source_hash>": [{"path", "sha256",
                     "executable"}, ...]}}: the files of each code version the plan publishes

Reading trusts nothing in the file: member names must have one of those forms (nothing to
traverse), sizes are capped before and while reading, every blob must hash to its name and
every tree to its `source_hash` (docs/plan.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from fnplan.errors import PlanError
from fnplan.plan.code import CodeFile, check_tree, is_blob_name, read_tree

MAGIC = b"PK\x03\x04"
PLAN_MEMBER = "plan.json"
CODE_MEMBER = "code.json"
BLOB_PREFIX = "blobs/"
CODE_FORMAT_VERSION = 1
#: limits against hostile archives (a zip bomb, a million members); far above real plans
MAX_MEMBERS = 100_000
MAX_MEMBER_BYTES = 256 << 20
MAX_TOTAL_BYTES = 2 << 30
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # reproducible archives: no timestamps
_HINT = "make a new one with `fnplan plan --out FILE`"


def is_archive(path: Path) -> bool:
    """Whether `path` starts like a zip file (a plain saved plan starts with "{")."""
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def write_archive(path: Path, plan_text: str, sources: Mapping[str, str]) -> None:
    """Write the plan and the code of `sources` ({source_hash: directory}) atomically; the
    code read must still hash to what was planned (else PlanError, and no file)."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                _put(archive, PLAN_MEMBER, plan_text.encode("utf-8"))
                trees = _put_code(archive, sources)
                _put(archive, CODE_MEMBER, _code_index(trees))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _put_code(archive: zipfile.ZipFile, sources: Mapping[str, str]) -> dict[str, list[CodeFile]]:
    written: set[str] = set()
    trees: dict[str, list[CodeFile]] = {}
    for source_hash, directory in sorted(sources.items()):
        files = trees[source_hash] = []
        for code, data in read_tree(source_hash, directory):
            if code.sha256 not in written:
                _put(archive, BLOB_PREFIX + code.sha256, data)
                written.add(code.sha256)
            files.append(code)
    return trees


def _put(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    archive.writestr(info, data)


def _code_index(trees: Mapping[str, list[CodeFile]]) -> bytes:
    listed = {
        source_hash: [
            {"path": code.path, "sha256": code.sha256, "executable": code.executable}
            for code in files
        ]
        for source_hash, files in trees.items()
    }
    document = {"format_version": CODE_FORMAT_VERSION, "trees": listed}
    return json.dumps(document, sort_keys=True, indent=1).encode("utf-8")


class PlanArchive:
    """An opened saved-plan archive whose member names and sizes were checked."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise self._error(f"not a readable archive ({error})") from error
        try:
            self._members = self._checked_members()
        except BaseException:
            self._zip.close()
            raise

    def __enter__(self) -> PlanArchive:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def plan_bytes(self) -> bytes:
        """The plan JSON (the first member)."""
        return self._read(PLAN_MEMBER)

    def trees(self) -> dict[str, list[CodeFile]]:
        """The files of each code version, checked: safe paths, present blobs, right hashes."""
        if CODE_MEMBER not in self._members:
            return {}
        try:
            document = json.loads(self._read(CODE_MEMBER))
            trees = {
                source_hash: [_code_file(item) for item in files]
                for source_hash, files in document["trees"].items()
            }
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise self._error(f"{CODE_MEMBER} is damaged ({error!r})") from error
        for source_hash, files in trees.items():
            check_tree(source_hash, files, str(self.path))
            missing = [
                code.path for code in files if BLOB_PREFIX + code.sha256 not in self._members
            ]
            if missing:
                raise self._error(f"code {source_hash} lacks the content of {missing[0]}")
        return trees

    def blob(self, sha256: str) -> bytes:
        """The content whose sha256 is `sha256`, verified."""
        data = self._read(BLOB_PREFIX + sha256)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise self._error(f"member {BLOB_PREFIX}{sha256} does not hash to its name")
        return data

    def _checked_members(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        if not infos or infos[0].filename != PLAN_MEMBER:
            raise self._error(f"its first member is not {PLAN_MEMBER}")
        if len(infos) > MAX_MEMBERS:
            raise self._error(f"it has {len(infos)} members (at most {MAX_MEMBERS})")
        members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            if name in members:
                raise self._error(f"member {name!r} appears twice")
            if not _allowed_name(name):
                raise self._error(
                    f"unexpected member {name!r}",
                    allowed=[PLAN_MEMBER, CODE_MEMBER, f"{BLOB_PREFIX}<sha256>"],
                )
            if info.flag_bits & 0x1:
                raise self._error(f"member {name!r} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise self._error(f"member {name!r} uses an unsupported compression")
            if info.file_size > MAX_MEMBER_BYTES:
                raise self._error(f"member {name!r} is larger than {MAX_MEMBER_BYTES} bytes")
            total += info.file_size
            members[name] = info
        if total > MAX_TOTAL_BYTES:
            raise self._error(f"its content adds up to more than {MAX_TOTAL_BYTES} bytes")
        return members

    def _read(self, name: str) -> bytes:
        """A member's bytes, never more than its declared (and capped) size."""
        info = self._members.get(name)
        if info is None:
            raise self._error(f"member {name!r} is missing")
        try:
            with self._zip.open(info) as handle:
                data = handle.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise self._error(f"member {name!r} is damaged ({error})") from error
        if len(data) != info.file_size:
            raise self._error(f"member {name!r} is not the size it declares")
        return data

    def _error(self, reason: str, allowed: list[str] | None = None) -> PlanError:
        return PlanError(
            f"{self.path}: not a valid saved plan: {reason}", allowed=allowed, hint=_HINT
        )


def _allowed_name(name: str) -> bool:
    if name in (PLAN_MEMBER, CODE_MEMBER):
        return True
    return name.startswith(BLOB_PREFIX) and is_blob_name(name[len(BLOB_PREFIX) :])


def _code_file(item: Any) -> CodeFile:
    path, sha256, executable = item["path"], item["sha256"], item.get("executable", False)
    if not isinstance(path, str) or not isinstance(sha256, str) or not isinstance(executable, bool):
        raise TypeError(f"bad file entry {item!r}")
    return CodeFile(path, sha256, executable)
