"""A function's code as the files of a ConfigMap: read exactly as the plan hashed them, and
refused with a clear message before Kubernetes' 1 MiB object limit."""

from __future__ import annotations

import hashlib

from fnplan.errors import ProviderError
from fnplan.versions import UnsafeLink, source_files, tree_hash

#: Kubernetes stores an object in etcd up to 1 MiB; leave room for metadata and keys
CONFIG_MAP_LIMIT = 1024 * 1024 - 16 * 1024


def too_large_message(address: str, size: int) -> str:
    return (
        f"{address}: the code is {size // 1024} KiB, over the {CONFIG_MAP_LIMIT // 1024} KiB "
        "a ConfigMap can carry, and Kubernetes functions get their code from a ConfigMap; "
        "move data files out of the source directory, or dependencies into the runtime's "
        "image (its `packages`)"
    )


def code_size(address: str, source: str) -> int:
    """Bytes of the source tree (validate says whether a ConfigMap can carry it)."""
    import os

    try:
        return sum(os.path.getsize(path) for _, path in source_files(source))
    except (UnsafeLink, OSError) as exc:
        raise ProviderError(f"{address}: cannot read {source}: {exc}") from None


def code_files(address: str, source: str, source_hash: str) -> list[tuple[str, bytes]]:
    """(relative path, content) of every file under `source`; ProviderError when the code is
    not what the plan was made from or too large for a ConfigMap."""
    try:
        paths = source_files(source)
    except (UnsafeLink, OSError) as exc:
        raise ProviderError(f"{address}: cannot read {source}: {exc}") from None
    files = []
    for relative, path in paths:
        with open(path, "rb") as handle:
            files.append((relative, handle.read()))
    found = tree_hash([(rel, hashlib.sha256(data).hexdigest()) for rel, data in files])
    if found != source_hash:
        raise ProviderError(
            f"{address}: the code in {source} changed since the plan was made "
            f"(planned {source_hash[:19]}, found {found[:19]})",
            hint="make a new plan; a saved plan deploys the code it carries",
        )
    size = sum(len(data) for _, data in files)
    if size > CONFIG_MAP_LIMIT:
        raise ProviderError(too_large_message(address, size))
    return files
