"""What a compiled configuration was built from, so a warm plan can reuse it.

Loading and compiling call `record_*` for every file, directory and state value they read;
`recording()` collects those into an `Inputs` snapshot. `Inputs.unchanged()` later says,
with stat calls only, whether every one of them is still as it was. Outside `recording()`
the record functions do nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from fnplan.errors import ConfigError

_SKIP_DIRS = frozenset({"__pycache__", ".git"})


@dataclass
class Inputs:
    """Files by (size, mtime_ns); trees and listings by signature; state values by digest."""

    files: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    trees: dict[str, str] = field(default_factory=dict)
    listings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    state: dict[str, str] = field(default_factory=dict)
    #: something was read that no stat can vouch for (a provider's data source)
    volatile: bool = False

    def files_unchanged(self) -> bool:
        """True when every recorded file, listing and tree still looks the same."""
        return (
            not self.volatile
            and all(_stat(path) == recorded for path, recorded in self.files.items())
            and all(_listing(path) == names for path, names in self.listings.items())
            and all(tree_signature(path) == sig for path, sig in self.trees.items())
        )

    def state_unchanged(self, state_values: Mapping[str, Any]) -> bool:
        """True when every recorded state value (address -> value) is the same now."""
        return all(
            digest(state_values.get(address)) == recorded
            for address, recorded in self.state.items()
        )


_current: ContextVar[Inputs | None] = ContextVar("fnplan_inputs", default=None)


@contextmanager
def recording(into: Inputs | None = None) -> Iterator[Inputs]:
    """Collect every input read inside the block (adding to `into` when given)."""
    inputs = into if into is not None else Inputs()
    token = _current.set(inputs)
    try:
        yield inputs
    finally:
        _current.reset(token)


def record_file(path: str | os.PathLike[str]) -> None:
    inputs = _current.get()
    if inputs is not None:
        inputs.files[os.fspath(path)] = _stat(os.fspath(path))


def record_volatile() -> None:
    """Something was read that may change at any time: the result must not be reused."""
    inputs = _current.get()
    if inputs is not None:
        inputs.volatile = True


def record_listing(directory: str | os.PathLike[str], names: Iterable[str]) -> None:
    """The configuration files found in a directory: adding or removing one changes it."""
    inputs = _current.get()
    if inputs is not None:
        inputs.listings[os.fspath(directory)] = tuple(sorted(names))


def record_tree(directory: str, signature: str) -> None:
    inputs = _current.get()
    if inputs is not None:
        inputs.trees[directory] = signature


def record_state(address: str, value: Any) -> None:
    """A value read from the prior state (e.g. the versions a `versions[N]` pin resolves in)."""
    inputs = _current.get()
    if inputs is not None:
        inputs.state[address] = digest(value)


class UnsafeLink(ConfigError):
    """A symbolic link in a source tree that a copy of the tree could not honour."""


def walk_tree(directory: str) -> list[tuple[str, str, os.stat_result]]:
    """(relative posix path, absolute path, stat) of every file below `directory`, skipping
    __pycache__, .git and *.pyc. A link to a file inside the tree counts as that file (copies
    hold its content); any other link raises UnsafeLink, as it would copy in something else."""
    found: list[tuple[str, str, os.stat_result]] = []
    pending = [("", directory)]
    root: str | None = None  # the tree's real path, resolved when the first link is met
    while pending:
        prefix, current = pending.pop()
        with os.scandir(current) as entries:
            for entry in entries:
                relative = f"{prefix}{entry.name}"
                if entry.is_symlink():
                    root = root or os.path.realpath(directory)
                    _check_link(entry.path, relative, root)
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in _SKIP_DIRS:
                        pending.append((f"{relative}/", entry.path))
                elif entry.is_file() and not entry.name.endswith(".pyc"):
                    found.append((relative, entry.path, entry.stat()))
    return found


def _check_link(path: str, relative: str, root: str) -> None:
    """Refuse a link that is absolute, leaves the tree, dangles or names a directory."""
    target = os.readlink(path)
    real = os.path.realpath(path)
    problem = None
    if os.path.isabs(target):
        problem = "is an absolute link"
    elif not real.startswith(root + os.sep):
        problem = "links outside the source directory"
    elif not os.path.exists(real):
        problem = "links to nothing"
    elif os.path.isdir(real):
        problem = "is a link to a directory"
    if problem is not None:
        raise UnsafeLink(
            f"{relative!r} {problem} (-> {target}); fnplan deploys a copy of the source "
            "directory and follows only relative links to files inside it",
            hint="replace the link by the file or directory it names",
        )


def tree_signature(
    directory: str, walked: list[tuple[str, str, os.stat_result]] | None = None
) -> str:
    """A digest of every file's path, size and mtime below `directory` ("" if it is gone)."""
    try:
        files = walked if walked is not None else walk_tree(directory)
    except (OSError, UnsafeLink):
        return ""
    text = "\n".join(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}" for rel, _, st in sorted(files))
    return hashlib.sha256(text.encode()).hexdigest()


def digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def _stat(path: str) -> tuple[int, int] | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns)


def _listing(directory: str) -> tuple[str, ...] | None:
    from fnplan.config.discovery import config_file_names

    try:
        return tuple(sorted(config_file_names(directory)))
    except OSError:
        return None
