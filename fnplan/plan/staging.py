"""Staged code: the exact bytes an apply publishes, held under <data dir>/staged/<hash>/.

Code is staged before anything changes: from a saved plan's archive, or copied from the
source directories right after planning (and checked against the plan's `source_hash`), so
an edit made after planning never reaches a provider. Providers are handed each function
with `source` pointing at its staged copy; they know nothing of plans or archives. The state
records the configured `source`. Staged code goes when the apply ends.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from fnplan.errors import PlanError
from fnplan.plan.code import CodeFile, is_safe_path, published_sources, read_tree
from fnplan.state.lock import process_exists

if TYPE_CHECKING:
    from fnplan.plan.archive import PlanArchive
    from fnplan.plan.model import Plan
    from fnplan.resources import Resource

STAGED = "staged"
_SOURCE_HASH = re.compile(r"sha256:[0-9a-f]{64}")


class StagedCode:
    """The staged trees of one apply, by `source_hash`."""

    def __init__(self, data_dir: Path) -> None:
        self._parent = data_dir / STAGED
        _remove_orphans(self._parent)
        self._parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # one directory per apply: an apply whose lock was broken must not take another's code
        self.root = Path(tempfile.mkdtemp(prefix=f"{os.getpid()}-", dir=self._parent))
        self.directories: dict[str, str] = {}

    def from_sources(self, plan: Plan) -> None:
        """Stage the code the plan publishes from its source directories."""
        for source_hash, directory in published_sources(plan).items():
            self._add(source_hash, read_tree(source_hash, directory))

    def from_archive(self, plan: Plan, archive: PlanArchive) -> None:
        """Stage the code a saved plan carries; it must carry all that the plan publishes."""
        trees = archive.trees()
        for source_hash in published_sources(plan):
            files = trees.get(source_hash)
            if files is None:
                raise PlanError(
                    f"{archive.path}: the plan publishes code {source_hash} that it does not carry",
                    hint="make a new one with `fnplan plan --out FILE`",
                )
            self._add(source_hash, ((code, archive.blob(code.sha256)) for code in files))

    def handed(self, resource: Resource) -> Resource:
        """What a provider is handed for `resource`: its `source` at the staged exact bytes."""
        staged = self.directories.get(str(resource.attributes.get("source_hash")))
        if resource.type != "function" or staged is None:
            return resource
        attributes = {**resource.attributes, "source": staged}
        return resource.model_copy(update={"attributes": attributes})

    def remove(self) -> None:
        """Remove this apply's staged trees (the providers have copied what they publish)."""
        shutil.rmtree(self.root, ignore_errors=True)
        self.directories.clear()
        with contextlib.suppress(OSError):  # not empty: another apply is staging
            self._parent.rmdir()

    def _add(self, source_hash: str, files: Iterable[tuple[CodeFile, bytes]]) -> None:
        if source_hash in self.directories:
            return
        if not _SOURCE_HASH.fullmatch(source_hash):
            raise PlanError(f"cannot stage code {source_hash!r}: not a sha256 source hash")
        temp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=self.root))
        for code, data in files:
            _write(temp, code, data)
        target = self.root / source_hash.replace(":", "-")
        temp.rename(target)
        self.directories[source_hash] = str(target)


def _remove_orphans(parent: Path) -> None:
    """Remove what applies that were killed staged (their process is gone)."""
    try:
        children = list(parent.iterdir())
    except FileNotFoundError:
        return
    for child in children:
        pid = child.name.partition("-")[0]
        if not (pid.isdigit() and process_exists(int(pid))):
            shutil.rmtree(child, ignore_errors=True)


def _write(root: Path, code: CodeFile, data: bytes) -> None:
    """Create one file below `root`, refusing paths and links that would lead outside it."""
    if not is_safe_path(code.path):
        raise PlanError(f"unsafe file path {code.path!r} in captured code")
    path = root / code.path
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, 0o755 if code.executable else 0o644)
    except OSError as error:
        raise PlanError(f"cannot stage {code.path!r} of captured code: {error.strerror}") from error
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
