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
from .functions import CHANGED_CODE, alias_name
from .ownership import SOURCE_TAG
from .trigger_import import import_rule
from .workflows import CHANGED_DEFINITION, definition_digest


def import_object(clients: Clients, type_: str, address: str, id: str) -> Observation:
    """The object `id` as `address` records it; nothing found is an error naming the ID."""
    if type_ == "function":
        return _function(clients, address, id)
    if type_ == "workflow":
        return _state_machine(clients, address, id)
    if type_ == "trigger":
        return import_rule(clients, address, id)
    raise ProviderError(
        f"{address}: the aws provider imports functions, workflows and triggers (EventBridge "
        f"rules), not {type_} objects",
        allowed=("function", "workflow", "trigger"),
    )


def _function(clients: Clients, address: str, id: str) -> Observation:
    """A Lambda function by name or ARN (a qualifier is ignored: fnplan manages the function)."""
    from botocore.exceptions import ClientError

    name = id.split(":")[6] if id.startswith("arn:") and id.count(":") >= 6 else id
    with aws_errors(f"{address}: lambda GetFunction {name}"):
        try:
            found = clients["lambda"].get_function(FunctionName=name)
        except ClientError as exc:
            if missing(exc):
                raise ProviderError(f"{address}: no Lambda function named {name!r}") from None
            raise
    config = found["Configuration"]
    published = _published_function_version(clients, address, name, config.get("CodeSha256"))
    source_hash = found.get("Tags", {}).get(SOURCE_TAG) if published else None
    attributes: dict[str, Any] = {
        "handler": config.get("Handler"),
        "memory": config.get("MemorySize"),
        "timeout": config.get("Timeout"),
        "env": config.get("Environment", {}).get("Variables", {}),
        # code fnplan did not upload: the next apply uploads it
        "source_hash": source_hash or CHANGED_CODE,
    }
    outputs = {
        "name": config["FunctionName"],
        "arn": config["FunctionArn"],
        "role_arn": config.get("Role", ""),
        "versions": [],
        "code_sha256": config.get("CodeSha256"),
    }
    if published and source_hash:
        outputs.update(_version_outputs(published))
    return Observation(exists=True, attributes=attributes, outputs=outputs)


def _published_function_version(
    clients: Clients, address: str, name: str, code_sha256: str | None
) -> dict[str, Any] | None:
    """The newest version fnplan published ("fnplan <hash>") of the code $LATEST has, with
    its alias, or None (then the next apply publishes one)."""
    lam = clients["lambda"]
    found: list[tuple[int, str]] = []
    with aws_errors(f"{address}: lambda ListVersionsByFunction {name}"):
        for page in lam.get_paginator("list_versions_by_function").paginate(FunctionName=name):
            for entry in page["Versions"]:
                described = str(entry.get("Description", "")).split()
                if (
                    entry["Version"].isdigit()
                    and described[:1] == ["fnplan"]
                    and len(described) == 2
                    and entry.get("CodeSha256") == code_sha256
                ):
                    found.append((int(entry["Version"]), described[1]))
    if not found:
        return None
    number, version = max(found)
    with aws_errors(f"{address}: lambda GetAlias {name}:{alias_name(version)}"):
        try:
            alias = lam.get_alias(FunctionName=name, Name=alias_name(version))
        except lam.exceptions.ResourceNotFoundException:
            return None
    return {"number": number, "hash": version, "alias_arn": alias["AliasArn"]}


def _version_outputs(entry: dict[str, Any]) -> dict[str, Any]:
    """The outputs that record `entry` as the object's current fnplan version."""
    return {
        "version": entry["hash"],
        "version_number": entry["number"],
        "version_arn": entry["alias_arn"],
        "versions": [entry],
    }


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
    outputs: dict[str, Any] = {
        "name": found["name"],
        "arn": found["stateMachineArn"],
        "role_arn": found.get("roleArn", ""),
        "versions": [],
        "definition_sha256": definition_digest(found["definition"]),
    }
    published = _published_state_machine_version(clients, address, found)
    if published is None:
        # a definition fnplan did not generate: the next apply replaces it
        return Observation(exists=True, attributes={"version": CHANGED_DEFINITION}, outputs=outputs)
    outputs.update(_version_outputs(published))
    return Observation(exists=True, attributes={"version": published["hash"]}, outputs=outputs)


def _published_state_machine_version(
    clients: Clients, address: str, found: dict[str, Any]
) -> dict[str, Any] | None:
    """The newest version fnplan published ("fnplan <hash>", behind its alias) whose
    definition is the state machine's current one, or None."""
    sfn, arn = clients["stepfunctions"], found["stateMachineArn"]
    current = definition_digest(found["definition"])
    candidates: list[dict[str, Any]] = []
    with aws_errors(f"{address}: states ListStateMachineAliases {arn}"):
        aliases = sfn.list_state_machine_aliases(stateMachineArn=arn)["stateMachineAliases"]
        for listed in aliases:
            alias = sfn.describe_state_machine_alias(
                stateMachineAliasArn=listed["stateMachineAliasArn"]
            )
            for route in alias.get("routingConfiguration", []):
                version_arn = route["stateMachineVersionArn"]
                version = sfn.describe_state_machine(stateMachineArn=version_arn)
                described = str(version.get("description", "")).split()
                if described[:1] != ["fnplan"] or len(described) != 2:
                    continue
                if definition_digest(version["definition"]) != current:
                    continue
                if alias["name"] != alias_name(described[1]):
                    continue
                candidates.append(
                    {
                        "number": int(version_arn.rsplit(":", 1)[1]),
                        "hash": described[1],
                        "alias_arn": listed["stateMachineAliasArn"],
                        "version_arn": version_arn,
                    }
                )
    return max(candidates, key=lambda entry: int(entry["number"])) if candidates else None
