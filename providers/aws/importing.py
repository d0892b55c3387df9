"""`fnplan import` on AWS: an existing Lambda function or state machine, named by ARN or name,
read without changing anything.

The record holds what AWS has (so the next plan shows what differs from the configuration as
an update) and the object's real name and ARN, which later updates and deletes use whatever
name fnplan would have chosen; the update re-tags it as this state's.
"""

from __future__ import annotations

from typing import Any

from fnplan.errors import ProviderError
from fnplan.provider import Observation

from .clients import Clients, aws_errors, error_code, missing
from .functions import CHANGED_CODE
from .workflows import CHANGED_DEFINITION


def import_object(clients: Clients, type_: str, address: str, id: str) -> Observation:
    """The object `id` as `address` records it; nothing found is an error naming the ID."""
    if type_ == "function":
        return _function(clients, address, id)
    if type_ == "workflow":
        return _state_machine(clients, address, id)
    raise ProviderError(
        f"{address}: the aws provider imports functions and workflows, not {type_} objects",
        allowed=("function", "workflow"),
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


def _state_machine(clients: Clients, address: str, id: str) -> Observation:
    """A state machine by ARN or name (a name in the provider's region and account)."""
    from botocore.exceptions import ClientError

    arn = (
        id
        if id.startswith("arn:")
        else f"arn:aws:states:{clients.region}:{clients.account}:stateMachine:{id}"
    )
    with aws_errors(f"{address}: states DescribeStateMachine {arn}"):
        try:
            found = clients["stepfunctions"].describe_state_machine(stateMachineArn=arn)
        except ClientError as exc:
            if missing(exc) or error_code(exc) == "InvalidArn":
                raise ProviderError(f"{address}: no state machine {arn}") from None
            raise
    outputs = {
        "name": found["name"],
        "arn": found["stateMachineArn"],
        "role_arn": found.get("roleArn", ""),
        "versions": [],
    }
    # a definition fnplan did not generate: the next apply replaces it
    return Observation(exists=True, attributes={"version": CHANGED_DEFINITION}, outputs=outputs)
