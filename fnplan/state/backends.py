"""Choosing the backend a `fnplan { backend "TYPE" { ... } }` block names.

`local` and `pg` are built in; other types come with providers (`s3` with the AWS provider)
and are found through the `fnplan.backends` entry points, each a function
(config, pos, project directory, lock timeout) -> Workspaces that checks its own settings.
Each type's module is imported only when configured, so a backend's driver is loaded only
by projects that use it.
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
ENTRY_POINT_GROUP = "fnplan.backends"


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
        return _plugged_in(kind, config, pos, directory, lock_timeout)
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


def _plugged_in(
    kind: str, config: Mapping[str, Any], pos: str | None, directory: Path, lock_timeout: float
) -> Workspaces:
    """A backend another package registers (e.g. `s3` by the AWS provider)."""
    from importlib.metadata import entry_points

    found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if kind not in found:
        raise ConfigError(
            f"backend {kind!r} is not available",
            pos=SourcePos.parse(pos),
            allowed=sorted([*_SETTINGS, *found]),
            hint="the s3 backend comes with: pip install 'fnplan[aws]'" if kind == "s3" else None,
        )
    opened: Workspaces = found[kind].load()(config, pos, directory, lock_timeout)
    return opened


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
