"""A configuration as it was at a git revision, read with `git show` into a scratch
directory (the working tree is never checked out or touched)."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fnplan.errors import FnplanError


def _git(directory: Path, *args: str) -> bytes:
    """Run git in `directory`; a failure is the user's (not a repository, unknown revision)."""
    try:
        result = subprocess.run(["git", *args], cwd=directory, capture_output=True, check=False)
    except FileNotFoundError as error:
        raise FnplanError("git is not installed; fnplan diff reads revisions with git") from error
    if result.returncode != 0:
        raise FnplanError(f"git {' '.join(args)}: {result.stderr.decode().strip()}")
    return result.stdout


def check_revision(directory: Path, revision: str) -> str:
    """The commit a revision names, or a clean error saying the revision is unknown."""
    if revision.startswith("-"):
        raise FnplanError(f"{revision!r} is not a git revision")
    try:
        return (
            _git(directory, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
            .decode()
            .strip()
        )
    except FnplanError as error:
        raise FnplanError(
            f"no git revision {revision!r} in the repository of {directory}",
            hint="name a commit, branch or tag, e.g. HEAD~1 or main",
        ) from error


@contextmanager
def checkout_free_copy(directory: Path, revision: str) -> Iterator[Path]:
    """A temporary directory holding the project directory's files as they were at
    `revision` (each read with `git show REV:./PATH`), removed afterwards."""
    _git(directory, "rev-parse", "--show-toplevel")
    commit = check_revision(directory, revision)
    listing = _git(directory, "ls-tree", "-r", "-z", "--name-only", commit, "--", ".")
    names = [name for name in listing.decode().split("\0") if name]
    with tempfile.TemporaryDirectory(prefix="fnplan-rev-") as scratch:
        root = Path(scratch) / directory.name
        root.mkdir()
        for name in names:
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_git(directory, "show", f"{commit}:./{name}"))
        yield root
