"""Whole-file replacement that readers never see half done (temp file beside, then rename).

Saved plans, caches and the local provider's records are written this way; the state file
has stronger needs (mode kept, directory fsync, backups) and is written by fnplan.state.local.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes, *, durable: bool = False) -> None:
    """Replace `path` with `data` in one rename; `durable` fsyncs the data first, for files
    whose loss after a crash loses the user's work (a saved plan), not merely a cache."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
