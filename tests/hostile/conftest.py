"""A project inside a watched tmp tree, and the assertion every hostile case makes."""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cli.conftest import run_fnplan

HANDLER = "def handler(event, context):\n    return {'ok': True}\n"
BASE = """\
runtime "python" {
  language = "python3.12"
}

function "hello" {
  runtime = runtime.python
  source  = "./functions/hello"
}
"""
BASE_LINES = BASE.count("\n")
#: more output than this is not "one line": the 50 KB recursive-copy error was the example
_MAX_OUTPUT = 2000


@dataclass
class Hostile:
    """A project directory below `outer`; everything in `outer` but the project is watched."""

    outer: Path
    project: Path
    before: dict[str, tuple[int, int]] = field(default_factory=dict)

    def write(self, files: Mapping[str, str | bytes]) -> Path:
        """Write files (relative path -> text) into the project, with a default function."""
        code = self.project / "functions" / "hello"
        code.mkdir(parents=True, exist_ok=True)
        (code / "main.py").write_text(HANDLER)
        for name, text in files.items():
            path = self.project / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(text, bytes):
                path.write_bytes(text)
            else:
                path.write_text(textwrap.dedent(text))
        return self.project

    def run(self, *args: str, check: int | None = None) -> subprocess.CompletedProcess[str]:
        return run_fnplan(*args, cwd=self.project, check=check)

    def outside(self) -> dict[str, tuple[int, int]]:
        """Every path in `outer` outside the project, with its size and mtime."""
        found: dict[str, tuple[int, int]] = {}
        for directory, dirs, files in os.walk(self.outer):
            here = Path(directory)
            if here == self.project:
                dirs.clear()
                continue
            for name in [*dirs, *files]:
                path = here / name
                if path == self.project:
                    continue
                stat = path.lstat()
                found[str(path.relative_to(self.outer))] = (stat.st_size, stat.st_mtime_ns)
        return found

    def watch(self) -> None:
        """Take the snapshot of `outer` that `refused` compares with (after preparing files
        outside the project on purpose)."""
        self.before = self.outside()

    def refused(self, *args: str, at: str | None, says: str) -> str:
        """Run fnplan ARGS; it must fail cleanly with one error line (at `at`, saying `says`)
        and leave everything outside the project as it was when `watch()` was called."""
        result = self.run(*args)
        output = result.stdout + result.stderr
        assert result.returncode == 1, output
        assert "Traceback" not in output and "internal error" not in output, output
        assert len(output) < _MAX_OUTPUT, output
        errors = [line for line in output.splitlines() if "error:" in line]
        assert len(errors) == 1, output
        if at is not None:
            assert errors[0].startswith(f"{at}: error:"), output
        assert says in errors[0], output
        assert self.outside() == self.before, "fnplan wrote outside the project directory"
        return output


@pytest.fixture
def hostile(tmp_path: Path) -> Hostile:
    outer = tmp_path / "outer"
    project = outer / "a" / "b" / "c" / "project"
    project.mkdir(parents=True)
    found = Hostile(outer, project)
    found.watch()
    return found
