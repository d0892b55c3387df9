"""`fnplan new`: a working project copied from a template, as `cargo new` and `sam init` do.

The templates are the examples users read: examples/NAME, shipped inside the package as
`fnplan.examples`, so the example in the repository and the project `new` makes are one.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from fnplan.config.discovery import PATTERNS, config_file_names
from fnplan.errors import ConfigError, FnplanError

TEMPLATES = ("minimal", "quickstart")
#: what a template directory may hold besides the project: deployments, caches, saved plans
_SKIPPED_DIRS = frozenset({".fnplan", "__pycache__"})
_SKIPPED_SUFFIXES = (".pyc", ".plan")


def new_project(directory: Path, template: str) -> list[Path]:
    """Create `directory` (absent or empty) holding the template's files; the files written."""
    if template not in TEMPLATES:
        raise FnplanError(f"unknown template {template!r}", allowed=TEMPLATES)
    _check_free(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    _copy(files("fnplan.examples") / template, directory, written)
    return written


def require_configuration(directory: Path) -> None:
    """ConfigError pointing to `fnplan new` when `directory` holds no configuration file."""
    if not config_file_names(directory):
        raise ConfigError(
            f"no configuration files in {directory}",
            hint=f"fnplan reads files matching {', '.join(PATTERNS)}; to start a project "
            f"run: fnplan new DIR [--template {'|'.join(TEMPLATES)}]",
        )


def _check_free(directory: Path) -> None:
    """A project is never written over existing files."""
    if directory.is_dir() and any(directory.iterdir()):
        raise FnplanError(
            f"{directory} already exists and is not empty",
            hint="choose a new directory name; fnplan new never overwrites files",
        )
    if directory.exists() and not directory.is_dir():
        raise FnplanError(f"{directory} already exists and is not a directory")


def _copy(source: Traversable, target: Path, written: list[Path]) -> None:
    for entry in sorted(source.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            if entry.name not in _SKIPPED_DIRS:
                (target / entry.name).mkdir()
                _copy(entry, target / entry.name, written)
        elif not entry.name.endswith(_SKIPPED_SUFFIXES):
            (target / entry.name).write_bytes(entry.read_bytes())
            written.append(target / entry.name)
