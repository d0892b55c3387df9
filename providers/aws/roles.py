"""The least-privilege execution role fnplan creates for each function (unless the provider
block names one): Lambda may assume it, and it may write only its own function's logs and
traces."""

from __future__ import annotations

import json
from typing import Any

from fnplan.naming import IAM_ROLE, physical_name

from .clients import Clients, aws_errors, unless_missing
from .ownership import check_ours

LAMBDA_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
POLICY_NAME = "fnplan-function"


def role_name(address: str, prefix: str) -> str:
    return physical_name(address, IAM_ROLE, prefix=prefix)


def ensure_role(
    clients: Clients,
    address: str,
    function_name: str,
    prefix: str,
    tags: dict[str, str],
    lineage: str | None,
) -> str:
    """The ARN of the function's role, created (or adopted after a crash) with its policy."""
    iam = clients["iam"]
    name = role_name(address, prefix)
    with aws_errors(f"{address}: iam GetRole {name}"):
        try:
            role = iam.get_role(RoleName=name)["Role"]
            found = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}
            check_ours(address, lineage, found, f"IAM role {name}")
        except iam.exceptions.NoSuchEntityException:
            role = iam.create_role(
                RoleName=name,
                AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST),
                Description=f"fnplan: execution role of {address}",
                Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
            )["Role"]
    with aws_errors(f"{address}: iam PutRolePolicy {name}"):
        iam.put_role_policy(
            RoleName=name,
            PolicyName=POLICY_NAME,
            PolicyDocument=json.dumps(_policy(clients, function_name)),
        )
    return str(role["Arn"])


def delete_role(clients: Clients, address: str, prefix: str) -> None:
    """Delete the function's role and its policy; a missing one is fine."""
    iam = clients["iam"]
    name = role_name(address, prefix)
    with unless_missing(f"{address}: iam DeleteRolePolicy {name}"):
        iam.delete_role_policy(RoleName=name, PolicyName=POLICY_NAME)
    with unless_missing(f"{address}: iam DeleteRole {name}"):
        iam.delete_role(RoleName=name)


def _policy(clients: Clients, function_name: str) -> dict[str, Any]:
    group = f"arn:aws:logs:{clients.region}:{clients.account}:log-group:/aws/lambda/{function_name}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [group, f"{group}:*"],
            },
            {
                "Effect": "Allow",
                "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                "Resource": "*",
            },
        ],
    }
