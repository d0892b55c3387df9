"""Reading and writing the state file's JSON: deterministic output and format checks on input.

Kept apart from the backend so every backend (local, s3, kubernetes) shares one format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fnplan.errors import StateError
from fnplan.state.model import STATE_FORMAT_VERSION, State


def encode_state(state: State) -> bytes:
    """The state as deterministic JSON (sorted keys) with one resource per line, so diffs
    stay small and the C encoder does the work (an indenting dump is ~10x slower)."""
    data = _without_unset_lifecycle(state.model_dump(mode="json"))
    lines = ["{"]
    for key in sorted(data):
        value = data[key]
        if key == "resources" and value:
            entries = ",\n".join(
                f"    {_compact(name)}: {_compact(value[name])}" for name in sorted(value)
            )
            lines.append('  "resources": {\n' + entries + "\n  },")
        else:
            lines.append(f"  {_compact(key)}: {_compact(value)},")
    lines[-1] = lines[-1].removesuffix(",")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode()


def _without_unset_lifecycle(data: dict[str, Any]) -> dict[str, Any]:
    """No deposed objects and no prevent_destroy are left out, so that a state without them
    reads the same in versions of fnplan that do not know them."""
    if not data.get("deposed"):
        data.pop("deposed", None)
    for record in data["resources"].values():
        if not record.get("prevent_destroy"):
            record.pop("prevent_destroy", None)
    for record in data.get("deposed", {}).values():
        if not record.get("prevent_destroy"):
            record.pop("prevent_destroy", None)
    return data


def _compact(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def decode_state(data: bytes, source: Path) -> State:
    """Parse and check a state file's bytes; StateError says what is wrong and where to look."""
    try:
        state = State.model_validate_json(data)
    except ValidationError as exc:
        raise _refusal(data, source, exc) from None
    _check_version(state.format_version, state.fnplan_version, source)
    _check_keys(state, source)
    return state


def _refusal(data: bytes, source: Path, exc: ValidationError) -> StateError:
    """The error for bytes that did not validate: a newer format, or a corrupt file."""
    try:
        raw: Any = json.loads(data)
    except ValueError as json_exc:
        return corrupt_state_error(source, f"not valid JSON ({json_exc})")
    if isinstance(raw, dict):
        version = raw.get("format_version")
        if isinstance(version, int) and version > STATE_FORMAT_VERSION:
            return _newer_version_error(version, str(raw.get("fnplan_version", "?")), source)
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    return corrupt_state_error(
        source, f"does not match the state format at {where}: {first['msg']}"
    )


def _check_version(version: int, writer: str, source: Path) -> None:
    if version > STATE_FORMAT_VERSION:
        raise _newer_version_error(version, writer, source)
    if version < 1:
        raise corrupt_state_error(source, f"format_version {version} is not a valid version")


def _check_keys(state: State, source: Path) -> None:
    for key, resource in state.resources.items():
        if key != resource.address:
            raise corrupt_state_error(
                source, f"resource key {key!r} differs from its address {resource.address!r}"
            )


def _newer_version_error(version: int, writer: str, source: Path) -> StateError:
    from fnplan import __version__

    return StateError(
        f"{source}: state format version {version} (written by fnplan {writer}) is newer than "
        f"this fnplan {__version__} understands (format version {STATE_FORMAT_VERSION})",
        hint="upgrade fnplan to read this state; it has been left untouched",
    )


def corrupt_state_error(source: Path, reason: str) -> StateError:
    """A StateError for an unreadable state file, pointing at its backup; the file is left as is."""
    backup = backup_path(source)
    restore = (
        f"the previous state is in {backup}; if it is right, restore it with: cp {backup} {source}"
        if backup.exists()
        else f"there is no backup ({backup} does not exist); repair the file by hand"
    )
    return StateError(
        f"{source}: the state file is corrupt: {reason}",
        hint=restore,
        notes=["fnplan will not overwrite the file while it cannot be read"],
    )


def backup_path(state_path: Path) -> Path:
    """Where the previous state is kept: state.json -> state.json.backup."""
    return state_path.with_name(state_path.name + ".backup")
