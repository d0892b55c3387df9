"""Noticing that the configuration files changed on disk (an editor saved, `fnplan edit`
ran, the studio itself wrote), by their names, sizes and modification times: cheap enough
to poll a few times a second, with nothing to install."""

from __future__ import annotations

import hashlib
from pathlib import Path

from fnplan.config.discovery import config_file_names


def files_version(directory: Path) -> str:
    """A short fingerprint of the directory's configuration files; it changes when one is
    added, removed or written."""
    digest = hashlib.sha256()
    for name in config_file_names(directory):
        try:
            stat = (directory / name).stat()
        except FileNotFoundError:
            continue
        digest.update(f"{name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]
