"""Leases on deployed versions: a running execution keeps the versions it uses from pruning.

A run holds one lease file, local/leases/<pid>-<random>.json = {"pid", "versions": {address:
[version, ...]}}, naming every function version and workflow document version it may need
(nested `call` workflows included), with an exclusive flock(2) on it for as long as it runs.
The operating system drops the flock when the process ends however it ends (kill -9 too), so
a lease nobody holds is stale and is removed by the next reader. Taking a lease and pruning
versions both happen under an flock on the local store's root directory, so a version is
never pruned between a run reading its document and leasing what it names.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

from .disk import make_dirs, prune_empty

LEASES = "leases"
_SUFFIX = ".json"


@contextlib.contextmanager
def store_guard(root: Path) -> Iterator[None]:
    """Exclusive, across processes, between taking leases and pruning versions."""
    make_dirs(root)
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the flock


@contextlib.contextmanager
def holding(root: Path, versions: Mapping[str, set[str]]) -> Iterator[None]:
    """Hold a lease on `versions` ({address: {version, ...}}) until the block ends."""
    directory = root / LEASES
    with store_guard(root):
        make_dirs(directory)
        fd, temp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
        fcntl.flock(fd, fcntl.LOCK_EX)  # before the file is visible: never seen unheld
        listed = {address: sorted(found) for address, found in versions.items()}
        os.write(fd, json.dumps({"pid": os.getpid(), "versions": listed}).encode())
        path = directory / f"{os.getpid()}-{Path(temp).name.removeprefix('.tmp-')}{_SUFFIX}"
        os.rename(temp, path)
    try:
        yield
    finally:
        with store_guard(root):
            path.unlink(missing_ok=True)
            os.close(fd)
            prune_empty(directory, root)


def leased(root: Path, address: str) -> set[str]:
    """The versions of `address` that live leases hold (call under `store_guard`); stale
    leases found on the way are removed."""
    directory = root / LEASES
    try:
        names = [name for name in os.listdir(directory) if name.endswith(_SUFFIX)]
    except FileNotFoundError:
        return set()
    found: set[str] = set()
    for name in names:
        versions = _live_versions(directory / name)
        found.update(str(v) for v in versions.get(address, ()))
    prune_empty(directory, root)
    return found


def _live_versions(path: Path) -> dict[str, list[str]]:
    """The versions a lease file names, or {} (and the file removed) when nobody holds it."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return {}
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:  # held: its run is still going
            with os.fdopen(os.dup(fd), "rb") as handle:
                data = json.loads(handle.read() or b"{}")
            versions = data.get("versions") if isinstance(data, dict) else None
            return versions if isinstance(versions, dict) else {}
        path.unlink(missing_ok=True)  # nobody holds it: its run ended without removing it
        return {}
    except ValueError:
        return {}
    finally:
        os.close(fd)
