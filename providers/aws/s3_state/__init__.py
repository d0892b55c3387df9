"""The `s3` state backend, shipped with the AWS provider (`pip install 'fnplan[aws]'`) and
found by the engine through the `fnplan.backends` entry points."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fnplan.errors import ConfigError, SourcePos

from .backend import S3Backend, S3Workspaces

__all__ = ["S3Backend", "S3Workspaces", "open_s3_backend"]

SETTINGS = (
    *("bucket", "key", "region", "profile", "endpoint", "workspace_key_prefix"),
    *("dynamodb_table", "use_lockfile"),
)
DEFAULT_KEY = "fnplan/state.json"
DEFAULT_WORKSPACE_PREFIX = "env:"
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_TABLE = re.compile(r"[A-Za-z0-9_.-]{3,255}")
_KEY_PART = re.compile(r"[A-Za-z0-9!_.*'()=:+-]+")


def open_s3_backend(
    config: Mapping[str, Any], pos: str | None, directory: Path, lock_timeout: float
) -> S3Workspaces:
    """The workspaces a `backend "s3" { ... }` block names; ConfigError for a bad setting."""
    where = SourcePos.parse(pos)
    unknown = sorted(set(config) - set(SETTINGS))
    if unknown:
        raise ConfigError(
            f'unknown setting {unknown[0]!r} in backend "s3"', pos=where, allowed=SETTINGS
        )
    bucket = config.get("bucket")
    if not isinstance(bucket, str) or not _BUCKET.fullmatch(bucket):
        raise ConfigError(
            f'backend "s3": bucket must be an S3 bucket name, not {bucket!r}',
            pos=where,
            hint="3 to 63 lowercase letters, digits, '.' and '-'",
        )
    key = _key(config.get("key", DEFAULT_KEY), "key", where)
    prefix = _key(
        config.get("workspace_key_prefix", DEFAULT_WORKSPACE_PREFIX), "workspace_key_prefix", where
    )
    for name in ("region", "profile", "endpoint", "dynamodb_table"):
        if name in config and not isinstance(config[name], str):
            raise ConfigError(f'backend "s3": {name} must be a string', pos=where)
    table = _lock_table(config, where)
    try:
        import boto3  # noqa: F401
    except ImportError:
        raise ConfigError(
            'backend "s3" needs boto3, which is not installed',
            pos=where,
            hint="install it with: pip install 'fnplan[aws]'",
        ) from None
    from .objects import open_bucket
    from .stores import open_table

    return S3Workspaces(
        open_bucket(bucket, config),
        key,
        prefix,
        lock_timeout=lock_timeout,
        lock_table=None if table is None else (open_table(config), table),
    )


def _lock_table(config: Mapping[str, Any], where: SourcePos | None) -> str | None:
    """The DynamoDB table locks are kept in, or None for a lock object in the bucket (the
    default, `use_lockfile = true`): one of the two, as the state must be locked."""
    table = config.get("dynamodb_table")
    lockfile = config.get("use_lockfile", table is None)
    if not isinstance(lockfile, bool):
        raise ConfigError('backend "s3": use_lockfile must be true or false', pos=where)
    if table is not None and lockfile:
        raise ConfigError(
            'backend "s3": set dynamodb_table or use_lockfile = true, not both',
            pos=where,
            hint="dynamodb_table keeps the lock in that table; use_lockfile in the bucket",
        )
    if table is None and not lockfile:
        raise ConfigError(
            'backend "s3": use_lockfile = false needs dynamodb_table: the state must be locked',
            pos=where,
        )
    if table is not None and not _TABLE.fullmatch(table):
        raise ConfigError(
            f'backend "s3": dynamodb_table must be a DynamoDB table name, not {table!r}',
            pos=where,
            hint="3 to 255 letters, digits, '_', '-' and '.'",
        )
    return table


def _key(value: Any, name: str, where: SourcePos | None) -> str:
    """An object key made of safe "/"-separated parts, none of them "." or ".."."""
    parts = value.split("/") if isinstance(value, str) else []
    if not parts or any(p in ("", ".", "..") or not _KEY_PART.fullmatch(p) for p in parts):
        raise ConfigError(
            f'backend "s3": {name} must be a relative object key, not {value!r}',
            pos=where,
            hint="use parts of letters, digits and !_.*'()=:+- separated by '/'",
        )
    return str(value)
