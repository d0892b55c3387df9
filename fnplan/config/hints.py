"""Hints in the syntax of the file they point into: `name = value` in HCL, `name: value` in
YAML (where an expression is written "${...}")."""

from __future__ import annotations

from fnplan.errors import SourcePos

_YAML_SUFFIXES = (".yaml", ".yml")


def setting(name: str, value: str, pos: SourcePos | None) -> str:
    """How to set attribute `name` to `value` (an HCL expression) in the file of `pos`."""
    if pos is None or not pos.file.endswith(_YAML_SUFFIXES):
        return f"{name} = {value}"
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return f"{name}: {value[1:-1]}"
    return f'{name}: "${{{value}}}"'
