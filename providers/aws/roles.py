"""The least-privilege IAM roles fnplan creates: one per function (unless the provider block
names `role_arn`), which may write only its own logs and traces, and one per state machine,
which may call exactly the functions and child state machines its definition names."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fnplan.errors import ProviderError
from fnplan.naming import IAM_ROLE, physical_name

from .clients import Clients, aws_errors, unless_missing
from .ownership import check_ours

if TYPE_CHECKING:
    from .targets import AwsTargets

POLICY_NAME = "fnplan"
#: the rule Step Functions manages to learn when a `.sync` child execution ends
SYNC_RULE = "StepFunctionsGetEventsForStepFunctionsExecutionRule"


def role_name(address: str, prefix: str) -> str:
    return physical_name(address, IAM_ROLE, prefix=prefix)


def ensure_role(
    clients: Clients,
    address: str,
    name: str,
    service: str,
    policy: dict[str, Any],
    tags: dict[str, str],
    lineage: str | None,
    *,
    new: bool = False,
) -> str:
    """The ARN of role `name` that `service` may assume, with `policy` as its only policy;
    created, or (after a crash, or when the policy changes) brought up to date. `new`: the
    caller is creating the object the role serves, so the role is most likely missing and
    is created without asking first (one request fewer)."""
    iam = clients["iam"]
    with aws_errors(f"{address}: iam CreateRole {name}"):
        role = _created_role(iam, address, name, service, tags) if new else None
        role = role or _existing_role(iam, address, name, lineage)
        role = role or _created_role(iam, address, name, service, tags)
    if role is None:
        raise ProviderError(f"{address}: IAM role {name} was being changed by someone else")
    with aws_errors(f"{address}: iam PutRolePolicy {name}"):
        iam.put_role_policy(
            RoleName=name, PolicyName=POLICY_NAME, PolicyDocument=json.dumps(policy)
        )
    return str(role["Arn"])


def _created_role(
    iam: Any, address: str, name: str, service: str, tags: dict[str, str]
) -> dict[str, Any] | None:
    """The role just created, or None when one of that name exists."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    }
    try:
        return dict(
            iam.create_role(
                RoleName=name,
                AssumeRolePolicyDocument=json.dumps(trust),
                Description=f"fnplan: role of {address}",
                Tags=[{"Key": k, "Value": v} for k, v in tags.items()],
            )["Role"]
        )
    except iam.exceptions.EntityAlreadyExistsException:
        return None


def _existing_role(iam: Any, address: str, name: str, lineage: str | None) -> dict[str, Any] | None:
    """The role of that name if it is this configuration's (refused if foreign), or None."""
    try:
        role = dict(iam.get_role(RoleName=name)["Role"])
    except iam.exceptions.NoSuchEntityException:
        return None
    found = {t["Key"]: t["Value"] for t in iam.list_role_tags(RoleName=name)["Tags"]}
    check_ours(address, lineage, found, f"IAM role {name}")
    return role


def delete_role(clients: Clients, address: str, name: str) -> None:
    """Delete a role fnplan made and its policy; a missing one is fine."""
    iam = clients["iam"]
    with unless_missing(f"{address}: iam DeleteRolePolicy {name}"):
        iam.delete_role_policy(RoleName=name, PolicyName=POLICY_NAME)
    with unless_missing(f"{address}: iam DeleteRole {name}"):
        iam.delete_role(RoleName=name)


def function_policy(clients: Clients, function_name: str) -> dict[str, Any]:
    """A function may write its own log group and traces, nothing else."""
    group = f"arn:aws:logs:{clients.region}:{clients.account}:log-group:/aws/lambda/{function_name}"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [group, f"{group}:*"],
            },
            _XRAY,
        ],
    }


def state_machine_policy(clients: Clients, targets: AwsTargets) -> dict[str, Any]:
    """A state machine may invoke the functions (any version) and start the child machines
    its definition names, call what its http, sql and image steps name, deliver its logs and
    traces."""
    statements: list[dict[str, Any]] = [_LOG_DELIVERY, _XRAY, *targets.step_statements()]
    if targets.functions:
        arns = sorted(targets.functions)
        statements.append(
            {
                "Effect": "Allow",
                "Action": "lambda:InvokeFunction",
                "Resource": [*arns, *(f"{arn}:*" for arn in arns)],
            }
        )
    if targets.state_machines:
        machines = sorted(targets.state_machines)
        executions = [m.replace(":stateMachine:", ":execution:") + ":*" for m in machines]
        region, account = clients.region, clients.account
        statements += [
            {
                "Effect": "Allow",
                "Action": "states:StartExecution",
                "Resource": [*machines, *(f"{m}:*" for m in machines)],
            },
            {
                "Effect": "Allow",
                "Action": ["states:DescribeExecution", "states:StopExecution"],
                "Resource": executions,
            },
            {
                "Effect": "Allow",
                "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                "Resource": f"arn:aws:events:{region}:{account}:rule/{SYNC_RULE}",
            },
        ]
    return {"Version": "2012-10-17", "Statement": statements}


_XRAY = {
    "Effect": "Allow",
    "Action": [
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
    ],
    "Resource": "*",
}
#: what Step Functions' logging to CloudWatch needs (AWS requires "*" for these actions)
_LOG_DELIVERY = {
    "Effect": "Allow",
    "Action": [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
    ],
    "Resource": "*",
}
