"""The local provider's data sources: `local_file` reads a text file inside the project.

Paths resolve against the project directory and, links followed, must stay inside it and
outside `.fnplan/` (the state and the deployed objects): a configuration cannot read the
rest of the machine through a data block.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fnplan.errors import ProviderError
from fnplan.provider_schema import DataSourceSchema

#: the biggest file local_file reads: its content lands in plans and state
MAX_BYTES = 1024 * 1024

DATA_SOURCES: Mapping[str, DataSourceSchema] = {
    "local_file": DataSourceSchema(
        arguments=frozenset({"path"}),
        required=frozenset({"path"}),
        attributes=frozenset({"path", "content", "sha256", "size"}),
    ),
}


def read_data(project_dir: Path, type_: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes of one data source read."""
    if type_ != "local_file":
        raise ProviderError(
            f"the local provider has no data source {type_!r}", allowed=DATA_SOURCES
        )
    return read_local_file(project_dir, arguments.get("path"))


def read_local_file(project_dir: Path, path: Any) -> dict[str, Any]:
    """`path` (relative to the project directory) as {path, content, sha256, size}."""
    if not isinstance(path, str) or not path:
        raise ProviderError(f"local_file: path must be a non-empty string, got {path!r}")
    root = os.path.realpath(project_dir)
    real = os.path.realpath(os.path.join(root, path))
    relative = os.path.relpath(real, root)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        raise ProviderError(
            f"local_file: {path!r} is outside the project directory {root}",
            hint="local_file reads only files inside the project",
        )
    if relative.split(os.sep)[0] == ".fnplan":
        raise ProviderError(
            f"local_file: {path!r} is inside .fnplan/, which holds the state and deployments"
        )
    try:
        with open(real, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ProviderError(f"local_file: {path!r} does not exist (looked for {real})") from None
    except OSError as exc:
        raise ProviderError(f"local_file: cannot read {path!r}: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise ProviderError(f"local_file: {path!r} is larger than {MAX_BYTES} bytes")
    try:
        content = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ProviderError(f"local_file: {path!r} is not UTF-8 text") from None
    return {
        "path": Path(relative).as_posix(),
        "content": content,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }
