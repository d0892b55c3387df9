"""`fnplan import` on AWS: an existing Lambda function, named by ARN or name, read without
changing anything.

The record holds what AWS has (so the next plan shows what differs from the configuration as
an update) and the object's real name and ARN, which later updates and deletes use whatever
name fnplan would have chosen; the update re-tags it as this state's.
"""

from __future__ import annotations

from typing import Any

from fnplan.errors import ProviderError
from fnplan.provider import Observation

from .clients import Clients, aws_errors, missing
from .functions import CHANGED_CODE


def import_object(clients: Clients, type_: str, address: str, id: str) -> Observation:
    """The object `id` as `address` records it; nothing found is an error naming the ID."""
    if type_ == "function":
        return _function(clients, address, id)
    raise ProviderError(
        f"{address}: the aws provider imports Lambda functions, not {type_} objects",
        allowed=("function",),
    )


def _function(clients: Clients, address: str, id: str) -> Observation:
    """A Lambda function by name or ARN (a qualifier is ignored: fnplan manages the function)."""
    from botocore.exceptions import ClientError

    name = id.split(":")[6] if id.startswith("arn:") and id.count(":") >= 6 else id
    with aws_errors(f"{address}: lambda GetFunction {name}"):
        try:
            config = clients["lambda"].get_function(FunctionName=name)["Configuration"]
        except ClientError as exc:
            if missing(exc):
                raise ProviderError(f"{address}: no Lambda function named {name!r}") from None
            raise
    attributes: dict[str, Any] = {
        "handler": config.get("Handler"),
        "memory": config.get("MemorySize"),
        "timeout": config.get("Timeout"),
        "env": config.get("Environment", {}).get("Variables", {}),
        "source_hash": CHANGED_CODE,  # code fnplan did not upload: the next apply uploads it
    }
    outputs = {
        "name": config["FunctionName"],
        "arn": config["FunctionArn"],
        "role_arn": config.get("Role", ""),
        "versions": [],
        "code_sha256": config.get("CodeSha256"),
    }
    return Observation(exists=True, attributes=attributes, outputs=outputs)
