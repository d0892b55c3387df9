"""The few S3 calls the state backend makes, with S3's conditional writes and clear errors.

Conditional requests (If-None-Match: * to create, If-Match: ETAG to replace or delete) make
the lock exclusive and every state write a compare-and-swap, as Terraform's S3 backend does
with `use_lockfile`. Every failure becomes a StateError naming the bucket, never a traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fnplan.errors import StateError


class PreconditionFailed(Exception):
    """A conditional write or delete lost: someone else created or changed the object."""


@dataclass(frozen=True, slots=True)
class Stored:
    """An object's bytes and the ETag that identifies this version of it."""

    data: bytes
    etag: str


class Bucket:
    """One bucket, as the backend uses it."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name
        self.description = f"s3 bucket {name}"

    def get(self, key: str) -> Stored | None:
        """The object's bytes and ETag, or None when there is none."""
        with self._errors(key):
            try:
                found = self.client.get_object(Bucket=self.name, Key=key)
            except self.client.exceptions.NoSuchKey:
                return None
            return Stored(found["Body"].read(), found["ETag"])

    def etag(self, key: str) -> str | None:
        """The object's current ETag, or None when there is none."""
        with self._errors(key):
            try:
                return self.client.head_object(Bucket=self.name, Key=key)["ETag"]
            except self.client.exceptions.ClientError as exc:
                if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                    return None
                raise

    def put(self, key: str, data: bytes, *, replacing: str | None) -> str:
        """Write the object only if it is still the version `replacing` (None: only if there
        is none); returns the new ETag; PreconditionFailed otherwise."""
        condition = {"IfMatch": replacing} if replacing else {"IfNoneMatch": "*"}
        with self._errors(key):
            result = self.client.put_object(
                Bucket=self.name, Key=key, Body=data, ContentType="application/json", **condition
            )
            return result["ETag"]

    def copy(self, source: str, target: str) -> None:
        """Copy one object to another key of the bucket (the state's backup)."""
        with self._errors(source):
            self.client.copy_object(
                Bucket=self.name, Key=target, CopySource={"Bucket": self.name, "Key": source}
            )

    def delete(self, key: str, *, etag: str | None = None) -> None:
        """Delete the object (only the version `etag` when given); a missing one is fine."""
        condition = {"IfMatch": etag} if etag else {}
        with self._errors(key):
            try:
                self.client.delete_object(Bucket=self.name, Key=key, **condition)
            except self.client.exceptions.NoSuchKey:
                return

    def keys(self, prefix: str) -> list[str]:
        """Every key under `prefix`, in order."""
        found: list[str] = []
        with self._errors(prefix):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.name, Prefix=prefix
            )
            for page in pages:
                found.extend(item["Key"] for item in page.get("Contents", []))
        return sorted(found)

    def folders(self, prefix: str) -> list[str]:
        """The names of the "folders" directly under `prefix` (keys with a further "/")."""
        names: list[str] = []
        with self._errors(prefix):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.name, Prefix=prefix, Delimiter="/"
            )
            for page in pages:
                for common in page.get("CommonPrefixes", []):
                    names.append(common["Prefix"][len(prefix) :].rstrip("/"))
        return sorted(names)

    @contextlib.contextmanager
    def _errors(self, key: str) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            if _code(exc) in ("PreconditionFailed", "412", "ConditionalRequestConflict"):
                raise PreconditionFailed(key) from None
            message = exc.response.get("Error", {}).get("Message") or str(exc)
            raise StateError(
                f"{self.description}, key {key}: {_code(exc)}: {message}",
                hint=_hint(_code(exc)),
            ) from None
        except BotoCoreError as exc:
            raise StateError(f"{self.description}: {exc}", hint=_hint(type(exc).__name__)) from None


def open_bucket(name: str, settings: Mapping[str, Any]) -> Bucket:
    """A client for the bucket with the block's region, profile and endpoint."""
    import boto3

    session = boto3.Session(
        profile_name=settings.get("profile"), region_name=settings.get("region")
    )
    client = session.client("s3", endpoint_url=settings.get("endpoint"))
    return Bucket(client, name)


def _code(exc: Any) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _hint(code: str) -> str | None:
    return {
        "NoSuchBucket": "create the bucket first, or fix `bucket` in the backend block",
        "AccessDenied": "the credentials in use may not read and write this bucket",
        "NoCredentialsError": "set AWS credentials (environment, profile or instance role)",
        "EndpointConnectionError": "check `endpoint` and `region` in the backend block",
    }.get(code)
