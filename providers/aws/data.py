"""The AWS provider's data sources: existing objects read by name (a bucket, a role, a secret,
an event bus), so that resources can use their ARNs without owning them.

A secret is read with DescribeSecret, never GetSecretValue: its value must not land in plans
or state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fnplan.errors import ProviderError
from fnplan.provider_schema import DataSourceSchema

from .clients import Clients, aws_errors, error_code, missing

_NAME = frozenset({"name"})

DATA_SOURCES: Mapping[str, DataSourceSchema] = {
    "aws_s3_bucket": DataSourceSchema(_NAME, _NAME, frozenset({"name", "arn", "region"})),
    "aws_iam_role": DataSourceSchema(_NAME, _NAME, frozenset({"name", "arn"})),
    "aws_secret": DataSourceSchema(_NAME, _NAME, frozenset({"name", "arn"})),
    "aws_event_bus": DataSourceSchema(_NAME, _NAME, frozenset({"name", "arn"})),
}


def read_data(clients: Clients, type_: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The attributes of one data source read; a missing object is an error naming it."""
    reader = _READERS.get(type_)
    if reader is None:
        raise ProviderError(f"the aws provider has no data source {type_!r}", allowed=DATA_SOURCES)
    name = arguments.get("name")
    if not isinstance(name, str) or not name:
        raise ProviderError(f"{type_}: name must be a non-empty string, got {name!r}")
    from botocore.exceptions import ClientError

    with aws_errors(f"{type_} {name!r}"):
        try:
            return reader(clients, name)
        except ClientError as exc:
            if missing(exc) or error_code(exc) in {"NoSuchBucket", "ResourceNotFound"}:
                raise ProviderError(f"{type_}: no {_WHAT[type_]} named {name!r}") from None
            raise


def _bucket(clients: Clients, name: str) -> dict[str, Any]:
    """HeadBucket proves it exists and is reachable; GetBucketLocation gives its region."""
    s3 = clients["s3"]
    s3.head_bucket(Bucket=name)
    region = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
    return {"name": name, "arn": f"arn:aws:s3:::{name}", "region": str(region)}


def _role(clients: Clients, name: str) -> dict[str, Any]:
    role = clients["iam"].get_role(RoleName=name)["Role"]
    return {"name": str(role["RoleName"]), "arn": str(role["Arn"])}


def _secret(clients: Clients, name: str) -> dict[str, Any]:
    secret = clients["secretsmanager"].describe_secret(SecretId=name)
    return {"name": str(secret["Name"]), "arn": str(secret["ARN"])}


def _event_bus(clients: Clients, name: str) -> dict[str, Any]:
    bus = clients["events"].describe_event_bus(Name=name)
    return {"name": str(bus["Name"]), "arn": str(bus["Arn"])}


_READERS: dict[str, Callable[[Clients, str], dict[str, Any]]] = {
    "aws_s3_bucket": _bucket,
    "aws_iam_role": _role,
    "aws_secret": _secret,
    "aws_event_bus": _event_bus,
}
_WHAT = {
    "aws_s3_bucket": "S3 bucket",
    "aws_iam_role": "IAM role",
    "aws_secret": "Secrets Manager secret",
    "aws_event_bus": "EventBridge event bus",
}
