"""Graph operations applied to a project's configuration files: each operation goes to the
file declaring its workflow, and the result must load before anything is written."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError

from fnplan.config.discovery import config_file_names
from fnplan.errors import FnplanError, SourcePos
from fnplan.studio import edit_hcl, edit_yaml
from fnplan.studio.ops import Operation, parse_operations

Validate = Callable[[Path], object]


def read_operations(path: Path) -> list[Operation]:
    """The operations in a JSON file (a list, or `fnplan diff --json`'s object holding one);
    malformed ones are user errors naming the entry."""
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise FnplanError(f"cannot read operations from {path}: {error}") from None
    if isinstance(data, dict) and "operations" in data:
        data = data["operations"]
    try:
        return parse_operations(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise FnplanError(
            f"invalid operation at [{where}]: {first['msg']}",
            pos=SourcePos(str(path), 1, 1),
            hint="schemas/graph-ops.schema.json describes every operation",
        ) from None


def edited_files(directory: Path, ops: Sequence[Operation]) -> dict[Path, tuple[bytes, bytes]]:
    """Each file an operation changes: (before, after). Module files are never touched, as
    only the project's own files are searched."""
    texts: dict[Path, bytes] = {}
    originals: dict[Path, bytes] = {}
    for op in ops:
        if op.workflow.startswith("module."):
            raise FnplanError(f"{op.workflow} belongs to a module: its files are read-only")
        path = _file_of(directory, op.workflow, texts)
        originals.setdefault(path, texts[path])
        editor = edit_hcl if path.suffix == ".hcl" else edit_yaml
        texts[path] = editor.apply(texts[path], op, str(path.relative_to(directory)))
    return {path: (originals[path], texts[path]) for path in originals}


def apply_operations(
    directory: Path, ops: Sequence[Operation], validate: Validate, *, write: bool = True
) -> dict[Path, tuple[bytes, bytes]]:
    """Applies the operations; `validate` loads the edited project (raising FnplanError) and
    on failure the original files are put back, so an invalid edit leaves nothing behind."""
    changes = edited_files(directory, ops)
    try:
        for path, (_, after) in changes.items():
            path.write_bytes(after)
        validate(directory)
    except FnplanError as error:
        _restore(changes)
        raise FnplanError(
            f"the edit would make the configuration invalid; nothing was written: {error.message}",
            pos=error.pos,
            allowed=error.allowed,
            hint=error.hint,
            notes=error.notes,
        ) from None
    except BaseException:
        _restore(changes)
        raise
    if not write:
        _restore(changes)
    return changes


def _restore(changes: dict[Path, tuple[bytes, bytes]]) -> None:
    for path, (before, _) in changes.items():
        path.write_bytes(before)


def _file_of(directory: Path, workflow: str, texts: dict[Path, bytes]) -> Path:
    """The configuration file declaring `workflow`, its text read into `texts` once."""
    names = config_file_names(directory)
    for name in names:
        path = directory / name
        if path not in texts:
            texts[path] = path.read_bytes()
        editor = edit_hcl if path.suffix == ".hcl" else edit_yaml
        if editor.declares(texts[path], workflow):
            return path
    raise FnplanError(f"{workflow} is not declared in {directory}")
