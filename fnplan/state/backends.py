"""Choosing the backend a `fnplan { backend "TYPE" { ... } }` block names.

Each type's module is imported only when configured, so the pg backend's driver is loaded
only by projects that use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fnplan.errors import ConfigError, SourcePos
from fnplan.state.backend import Workspaces

DATA_DIR = ".fnplan"
DEFAULT_STATE_PATH = f"{DATA_DIR}/state.json"
WORKSPACE_DIR = f"{DATA_DIR}/workspaces"
_SETTINGS = {"local": ("path",), "pg": ("conn_str", "schema_name")}


def open_workspaces(
    kind: str,
    config: Mapping[str, Any],
    pos: str | None,
    directory: Path,
    *,
    lock_timeout: float = 0.0,
) -> Workspaces:
    """The backend of type `kind` configured by `config` for the project in `directory`."""
    if kind not in _SETTINGS:
        raise ConfigError(
            f"backend {kind!r} is not available in this version",
            pos=SourcePos.parse(pos),
            allowed=list(_SETTINGS),
        )
    unknown = sorted(set(config) - set(_SETTINGS[kind]))
    if unknown:
        raise ConfigError(
            f"unknown setting {unknown[0]!r} in backend {kind!r}",
            pos=SourcePos.parse(pos),
            allowed=_SETTINGS[kind],
        )
    if kind == "pg":
        return _pg(config, pos, lock_timeout)
    from fnplan.state.local_workspaces import LocalWorkspaces

    path = Path(str(config.get("path", DEFAULT_STATE_PATH)))
    if not path.is_absolute():
        path = directory / path
    return LocalWorkspaces(path, directory / WORKSPACE_DIR, lock_timeout=lock_timeout)


def _pg(config: Mapping[str, Any], pos: str | None, lock_timeout: float) -> Workspaces:
    try:
        from fnplan.state.pg import PgWorkspaces, pg_database
    except ImportError:
        raise ConfigError(
            'backend "pg" needs the PostgreSQL driver psycopg 3, which is not installed',
            pos=SourcePos.parse(pos),
            hint="install it with: pip install 'fnplan[pg]'",
        ) from None
    return PgWorkspaces(pg_database(config, pos), lock_timeout=lock_timeout)
