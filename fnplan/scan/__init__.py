"""`fnplan scan`: a function block (and its schema files) recognised from source code.

One module per language; each registers the file suffixes it reads, the entry files it looks
for in a directory and the runtime language it implies (`LANGUAGES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fnplan.errors import FnplanError
from fnplan.scan.model import ScanResult
from fnplan.scan.python import ENTRY_FILES, scan_python


@dataclass(frozen=True)
class Language:
    """How to scan one language's source."""

    name: str
    suffix: str
    entry_files: tuple[str, ...]
    scan: Callable[[Path, str, str | None], ScanResult]


LANGUAGES = (Language("python", ".py", ENTRY_FILES, scan_python),)


def scan(path: Path, handler: str | None = None) -> tuple[ScanResult, Path]:
    """Scan a source file, or a directory's entry file; also returns the source directory
    (what the function's `source` attribute names)."""
    if path.is_dir():
        file, source = _entry_file(path), path
    elif path.is_file():
        file, source = path, path.parent
    else:
        raise FnplanError(f"{path}: no such file or directory")
    language = next((lang for lang in LANGUAGES if file.suffix == lang.suffix), None)
    if language is None:
        raise FnplanError(
            f"{file}: cannot scan {file.suffix or 'files without a suffix'}",
            allowed=[f"*{lang.suffix} ({lang.name})" for lang in LANGUAGES],
        )
    module = ".".join(file.relative_to(source).with_suffix("").parts)
    return language.scan(file, module, handler), source


def _entry_file(directory: Path) -> Path:
    for language in LANGUAGES:
        for name in language.entry_files:
            if (directory / name).is_file():
                return directory / name
    expected = [name for language in LANGUAGES for name in language.entry_files]
    raise FnplanError(
        f"{directory}: no entry file to scan",
        allowed=expected,
        hint="name the file to scan: fnplan scan DIR/FILE",
    )
