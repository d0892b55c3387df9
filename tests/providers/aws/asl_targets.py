"""Fixed ARNs for generating definitions in tests (the provider takes them from its state)."""

from __future__ import annotations

from collections.abc import Mapping

ACCOUNT = "arn:aws:{service}:us-east-1:123456789012:{rest}"


class FixedTargets:
    """Targets whose ARNs follow from the addresses alone."""

    def function_arn(self, address: str, version: str) -> str:
        return ACCOUNT.format(service="lambda", rest=f"function:{_slug(address)}:v{version[:8]}")

    def workflow_arn(self, address: str, version: str) -> str:
        return ACCOUNT.format(service="states", rest=f"stateMachine:{_slug(address)}:1")

    def expression_function_arn(self) -> str:
        return ACCOUNT.format(service="lambda", rest="function:fnplan-expressions")

    def shell_function_arn(self, step: str) -> str:
        return ACCOUNT.format(service="lambda", rest=f"function:shell-{step}")

    def http_connection_arn(self, step: str) -> str:
        return ACCOUNT.format(service="events", rest=f"connection/{step}/1")

    def ecs_task(self, step: str, image: str) -> Mapping[str, str]:
        return {
            "Cluster": ACCOUNT.format(service="ecs", rest="cluster/fnplan"),
            "TaskDefinition": f"shell-{step}",
        }

    def sql_target(self, step: str, connection: object) -> Mapping[str, str]:
        return {
            "ResourceArn": ACCOUNT.format(service="rds", rest="cluster:db"),
            "SecretArn": ACCOUNT.format(service="secretsmanager", rest="secret:db"),
            "Database": "app",
        }


def _slug(address: str) -> str:
    return address.replace(".", "-")
