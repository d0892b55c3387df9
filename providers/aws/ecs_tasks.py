"""Shell steps that name an `image`: a Fargate task definition per step (family named from
the step, one container `step` in that image), run by the state machine with
`arn:aws:states:::ecs:runTask.sync` on the provider block's `ecs` cluster and subnets; the
script and the step's environment are the container's command and environment overrides.

The user provides the cluster and its network (`ecs = { cluster, subnets, security_groups,
assign_public_ip, execution_role_arn, cpu, memory }`); an execution role is needed only for
private ECR images or container logs. A new revision is registered only when the image or
size changes; destroy deregisters and deletes every revision of the family.
"""

from __future__ import annotations

from typing import Any

from fnplan.naming import NameRule, physical_name

from .clients import Clients, aws_errors, unless_missing
from .config import EcsConfig

#: ECS task definition families
FAMILY = NameRule(255, "A-Za-z0-9_-")
CONTAINER = "step"


def task_family(workflow: str, step: str, prefix: str) -> str:
    return physical_name(f"{workflow}.{step}.shell", FAMILY, prefix=prefix)


def run_task_arguments(config: EcsConfig, family: str) -> dict[str, Any]:
    """RunTask's arguments but the overrides: cluster, the family's latest revision, network."""
    network: dict[str, Any] = {
        "Subnets": list(config.subnets),
        "AssignPublicIp": "ENABLED" if config.assign_public_ip else "DISABLED",
    }
    if config.security_groups:
        network["SecurityGroups"] = list(config.security_groups)
    return {
        "Cluster": config.cluster,
        "TaskDefinition": family,
        "LaunchType": "FARGATE",
        "NetworkConfiguration": {"AwsvpcConfiguration": network},
    }


def ensure_task_definition(
    clients: Clients,
    workflow: str,
    family: str,
    image: str,
    config: EcsConfig,
    tags: dict[str, str],
) -> str:
    """The ARN of the family's active revision running `image`, registered when it differs."""
    wanted = {
        "family": family,
        "containerDefinitions": [{"name": CONTAINER, "image": image, "essential": True}],
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "cpu": str(config.cpu),
        "memory": str(config.memory),
        **({"executionRoleArn": config.execution_role_arn} if config.execution_role_arn else {}),
    }
    found = active_task_definition(clients, workflow, family)
    if found is not None and _same(found, wanted):
        return str(found["taskDefinitionArn"])
    with aws_errors(f"{workflow}: ecs RegisterTaskDefinition {family}"):
        made = clients["ecs"].register_task_definition(
            **wanted, tags=[{"key": k, "value": v} for k, v in tags.items()]
        )["taskDefinition"]
    return str(made["taskDefinitionArn"])


def active_task_definition(clients: Clients, workflow: str, family: str) -> dict[str, Any] | None:
    """The family's latest active revision, None when it has none."""
    ecs = clients["ecs"]
    with aws_errors(f"{workflow}: ecs DescribeTaskDefinition {family}"):
        try:
            found = ecs.describe_task_definition(taskDefinition=family)["taskDefinition"]
        except ecs.exceptions.ClientException:
            return None
    return dict(found) if found.get("status") == "ACTIVE" else None


def delete_task_definitions(clients: Clients, workflow: str, family: str) -> None:
    """Deregister and delete every revision of the family; none is fine."""
    ecs = clients["ecs"]
    with aws_errors(f"{workflow}: ecs ListTaskDefinitions {family}"):
        arns = ecs.list_task_definitions(familyPrefix=family)["taskDefinitionArns"]
    arns = [arn for arn in arns if arn.rsplit("/", 1)[-1].rsplit(":", 1)[0] == family]
    for arn in arns:
        with unless_missing(f"{workflow}: ecs DeregisterTaskDefinition {arn}"):
            ecs.deregister_task_definition(taskDefinition=arn)
    if arns:
        with unless_missing(f"{workflow}: ecs DeleteTaskDefinitions {family}"):
            ecs.delete_task_definitions(taskDefinitions=arns)


def _same(found: dict[str, Any], wanted: dict[str, Any]) -> bool:
    container = (found.get("containerDefinitions") or [{}])[0]
    return (
        container.get("name") == CONTAINER
        and container.get("image") == wanted["containerDefinitions"][0]["image"]
        and found.get("cpu") == wanted["cpu"]
        and found.get("memory") == wanted["memory"]
        and found.get("executionRoleArn") == wanted.get("executionRoleArn")
    )
