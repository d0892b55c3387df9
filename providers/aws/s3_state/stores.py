"""Where the S3 backend's lock lives: a lock object in the bucket (`use_lockfile`, the
default) or an item in a DynamoDB table (`dynamodb_table`), as with Terraform's S3 backend.

Both are a store holding one lock record with a token that changes on every write: create
only when empty, replace or delete only while the token is the one the caller last wrote
(S3: If-None-Match / If-Match on the ETag; DynamoDB: conditional PutItem / DeleteItem on a
Token attribute). A lost condition is PreconditionFailed; any other failure a StateError.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from fnplan.errors import StateError

from .objects import Bucket, PreconditionFailed, Stored


class LockStore(Protocol):
    """Conditional reads and writes of one lock record."""

    description: str

    def get(self) -> Stored | None: ...

    def create(self, data: bytes) -> str: ...

    def replace(self, data: bytes, token: str | None) -> str: ...

    def delete(self, token: str | None) -> None: ...


class LockObject:
    """The lock object `key` of the bucket; its ETag is the token."""

    def __init__(self, bucket: Bucket, key: str) -> None:
        self.bucket = bucket
        self.key = key
        self.description = f"{bucket.description}, key {key}"

    def get(self) -> Stored | None:
        return self.bucket.get(self.key)

    def create(self, data: bytes) -> str:
        return self.bucket.put(self.key, data, replacing=None)

    def replace(self, data: bytes, token: str | None) -> str:
        return self.bucket.put(self.key, data, replacing=token)

    def delete(self, token: str | None) -> None:
        self.bucket.delete(self.key, etag=token)


class LockItem:
    """The item `LockID = lock_id` of a DynamoDB table whose partition key is `LockID`
    (a string), as Terraform's `dynamodb_table` expects; a random Token names each write."""

    def __init__(self, client: Any, table: str, lock_id: str) -> None:
        self.client = client
        self.table = table
        self.lock_id = lock_id
        self.description = f"dynamodb table {table}, LockID {lock_id}"

    def get(self) -> Stored | None:
        with self._errors():
            found = self.client.get_item(
                TableName=self.table, Key=self._key(), ConsistentRead=True
            ).get("Item")
        if found is None:
            return None
        return Stored(found["Info"]["S"].encode(), found["Token"]["S"])

    def create(self, data: bytes) -> str:
        return self._put(data, "attribute_not_exists(LockID)", {})

    def replace(self, data: bytes, token: str | None) -> str:
        return self._put(data, "#token = :token", {":token": {"S": str(token)}})

    def delete(self, token: str | None) -> None:
        condition: dict[str, Any] = {}
        if token is not None:
            condition = {
                "ConditionExpression": "#token = :token",
                "ExpressionAttributeNames": {"#token": "Token"},
                "ExpressionAttributeValues": {":token": {"S": token}},
            }
        with self._errors():
            self.client.delete_item(TableName=self.table, Key=self._key(), **condition)

    def _put(self, data: bytes, condition: str, values: Mapping[str, Any]) -> str:
        token = uuid.uuid4().hex
        item = {**self._key(), "Info": {"S": data.decode()}, "Token": {"S": token}}
        names = {"#token": "Token"} if "#token" in condition else {}
        with self._errors():
            self.client.put_item(
                TableName=self.table,
                Item=item,
                ConditionExpression=condition,
                **({"ExpressionAttributeNames": names} if names else {}),
                **({"ExpressionAttributeValues": dict(values)} if values else {}),
            )
        return token

    def _key(self) -> dict[str, Any]:
        return {"LockID": {"S": self.lock_id}}

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code == "ConditionalCheckFailedException":
                raise PreconditionFailed(self.lock_id) from None
            message = exc.response.get("Error", {}).get("Message") or str(exc)
            hint = (
                "create the table with the partition key LockID (String), or fix "
                "dynamodb_table in the backend block"
                if code == "ResourceNotFoundException"
                else None
            )
            raise StateError(f"{self.description}: {code}: {message}", hint=hint) from None
        except BotoCoreError as exc:
            raise StateError(f"{self.description}: {exc}") from None


def open_table(settings: Mapping[str, Any]) -> Any:
    """A DynamoDB client with the block's region, profile and endpoint."""
    import boto3

    session = boto3.Session(
        profile_name=settings.get("profile"), region_name=settings.get("region")
    )
    return session.client("dynamodb", endpoint_url=settings.get("endpoint"))
