"""`fnplan edit OPS.json`: graph operations applied to the project's text, or shown as the
unified diff they would make (`--dry-run`)."""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from pathlib import Path

from fnplan.studio.apply_ops import apply_operations, read_operations


def edit_project(
    directory: Path,
    ops_file: Path,
    *,
    dry_run: bool,
    variables: Mapping[str, str] = {},
    var_files: Sequence[Path] = (),
) -> str:
    """Applies (or with dry_run only checks) the operations; returns the unified diff."""
    from fnplan.workspace import Workspace

    def validate(root: Path) -> None:
        workspace = Workspace(root, variables=variables, var_files=tuple(var_files))
        workspace.compile(workspace.load(), None)

    changes = apply_operations(directory, read_operations(ops_file), validate, write=not dry_run)
    return "".join(
        "".join(
            difflib.unified_diff(
                before.decode().splitlines(keepends=True),
                after.decode().splitlines(keepends=True),
                f"a/{path.relative_to(directory)}",
                f"b/{path.relative_to(directory)}",
            )
        )
        for path, (before, after) in sorted(changes.items())
    )
