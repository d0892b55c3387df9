"""The Aurora cluster an sql step runs on through the RDS Data API.

A step names one with a connection URL `rds-data://DATABASE?resource_arn=ARN&secret_arn=ARN`
(the database may be left out: `rds-data://?resource_arn=...`); any other connection (a
sqlite or postgresql URL the local provider uses, or a run-time expression) runs on the
provider block's `data_api` cluster, so one configuration runs on both.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .config import DataApiConfig

SCHEME = "rds-data"
_USAGE = (
    "an sql step on aws runs through the RDS Data API: give it a connection "
    f'"{SCHEME}://DATABASE?resource_arn=ARN&secret_arn=ARN", or set '
    "data_api = { resource_arn, secret_arn, database } in the provider block"
)


class SqlTargetError(ValueError):
    """The step's connection names no cluster the Data API can reach."""


def sql_target(connection: Any, default: DataApiConfig | None) -> dict[str, str]:
    """ResourceArn, SecretArn (and Database) of the Data API call; SqlTargetError else."""
    if isinstance(connection, str) and connection.startswith(f"{SCHEME}:"):
        return _from_url(connection)
    if default is None:
        raise SqlTargetError(_USAGE)
    target = {"ResourceArn": default.resource_arn, "SecretArn": default.secret_arn}
    if default.database:
        target["Database"] = default.database
    return target


def _from_url(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    try:
        target = DataApiConfig(
            resource_arn=query.pop("resource_arn", ""),
            secret_arn=query.pop("secret_arn", ""),
            database=parts.netloc or None,
        )
    except ValueError:
        raise SqlTargetError(f"the connection is not a valid {SCHEME} URL; {_USAGE}") from None
    if query or not re.fullmatch(r"[A-Za-z0-9_$-]*", parts.netloc):
        raise SqlTargetError(f"the connection is not a valid {SCHEME} URL; {_USAGE}")
    return sql_target(None, target)
