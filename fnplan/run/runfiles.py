"""The one place a run creates files: paths are checked to stay inside the run directory.

Workflow, step and execution names become file names; a name such as "../../x" or one with
a "/" must never place a log or a capture outside the log directory, whatever validated it
before. Directories are created 0700 and files 0600: run logs hold inputs and outputs.
"""

from __future__ import annotations

import os
from pathlib import Path

from fnplan.errors import FnplanError

#: The longest file name a run creates from a name (most file systems allow 255 bytes).
MAX_NAME_BYTES = 200


class RunFiles:
    """Creates directories and files under `root`, refusing any path that would leave it."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.abspath(root))

    def path(self, *names: str) -> Path:
        """root/NAME/..., each NAME one plain file name; FnplanError when one is not."""
        for name in names:
            _check_name(name, self.root)
        path = self.root.joinpath(*names)
        real_root = os.path.realpath(self.root)
        if os.path.commonpath([real_root, os.path.realpath(path)]) != real_root:
            raise FnplanError(
                f"refusing to write {path}: it is outside the run directory {self.root}"
            )
        return path

    def directory(self, *names: str) -> Path:
        """Create root/NAME/... (and root) with mode 0700 where missing; returns it."""
        path = self.path(*names)
        levels = [self.root.joinpath(*names[:depth]) for depth in range(len(names) + 1)]
        for level in levels:
            try:
                level.mkdir(mode=0o700, parents=level == self.root)
            except FileExistsError:
                continue
            os.chmod(level, 0o700)  # whatever the umask
        return path

    def create(self, *names: str) -> int:
        """A new file root/NAME/... (mode 0600, never through a symlink), opened for writing."""
        path = self.path(*names)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        return os.open(path, flags, 0o600)

    def write(self, data: bytes, *names: str) -> Path:
        """Write root/NAME/... in full (mode 0600), replacing it atomically when it exists."""
        path = self.path(*names)
        temporary = self.path(*names[:-1], f".{names[-1]}.tmp")
        temporary.unlink(missing_ok=True)
        fd = self.create(*names[:-1], temporary.name)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
        return path


def _check_name(name: str, root: Path) -> None:
    """A name is one path segment: not empty, not . or .., no separator, no NUL, not too long."""
    problem = None
    if name in ("", ".", ".."):
        problem = "is not a file name"
    elif "/" in name or os.sep in name or (os.altsep and os.altsep in name):
        problem = "contains a path separator"
    elif "\0" in name:
        problem = "contains a NUL byte"
    elif len(name.encode("utf-8", "surrogateescape")) > MAX_NAME_BYTES:
        problem = f"is longer than {MAX_NAME_BYTES} bytes"
    if problem is not None:
        raise FnplanError(
            f"cannot write run files under {root}: the name {name!r} {problem}",
            allowed=["names of letters, digits, '_' and '-' (workflow and step labels)"],
        )
