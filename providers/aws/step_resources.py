"""What a workflow's http, sql and shell steps need besides the state machine, owned by the
workflow: an EventBridge connection per http step (connections.py), a generated Lambda
function per shell step (shell_function.py) or, for a shell step with an `image`, an ECS
task definition (ecs_tasks.py). They are deployed before the definition that names them,
removed once no definition does (a step taken out, or the workflow destroyed); sql steps
need nothing of their own (sql_target.py). Validate checks that the provider block gives
what these steps need, and that no shell script holds a sensitive value."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnplan.errors import ProviderError
from fnplan.provider_schema import Diagnostic
from fnplan.workflow.model import Step, WorkflowDocument

from .clients import Clients
from .config import AwsConfig
from .connections import (
    connection_name,
    delete_connections,
    deploy_connections,
    existing_connection,
    owner_description,
)
from .ecs_tasks import (
    active_task_definition,
    delete_task_definitions,
    ensure_task_definition,
    task_family,
)
from .shell_function import delete_shell_function, deploy_shell_function, shell_function_exists
from .sql_target import SqlTargetError, sql_target
from .targets import ECS_NEEDED


def deploy_step_resources(
    clients: Clients,
    workflow: str,
    document: WorkflowDocument,
    prefix: str,
    tags: dict[str, str],
    lineage: str | None,
) -> dict[str, str]:
    """Deploy every step's own objects; the connection ARN of each http step."""
    for step in document.steps:
        if step.type != "shell" or step.shell is None:
            continue
        if step.shell.image:
            ecs = clients.config.ecs
            if ecs is None:  # validate reports it at the workflow; this is the backstop
                raise ProviderError(f"{workflow}: step {step.name!r}: {ECS_NEEDED}")
            family = task_family(workflow, step.name, prefix)
            ensure_task_definition(clients, workflow, family, step.shell.image, ecs, tags)
        else:
            deploy_shell_function(clients, workflow, step, prefix, tags, lineage)
    owner = owner_description(workflow, lineage)
    return deploy_connections(clients, workflow, document, prefix, owner)


def delete_step_resources(
    clients: Clients,
    workflow: str,
    document: WorkflowDocument,
    prefix: str,
    keep: WorkflowDocument | None = None,
) -> None:
    """Delete the objects of `document`'s steps, but those `keep` (the new document) uses."""
    kept = {(_kind(step), step.name) for step in keep.steps} if keep else set()
    gone = [step for step in document.steps if (_kind(step), step.name) not in kept]
    for step in gone:
        kind = _kind(step)
        if kind == "shell":
            delete_shell_function(clients, workflow, step.name, prefix)
        elif kind == "image":
            delete_task_definitions(clients, workflow, task_family(workflow, step.name, prefix))
    http = [connection_name(workflow, s.name, prefix) for s in gone if _kind(s) == "http"]
    delete_connections(clients, workflow, http)


def step_resources_present(
    clients: Clients, workflow: str, document: WorkflowDocument, prefix: str
) -> bool:
    """Whether every step object is still there (one deleted outside fnplan is drift)."""
    for step in document.steps:
        kind = _kind(step)
        if kind == "http" and not existing_connection(clients, workflow, step.name, prefix):
            return False
        if kind == "shell" and not shell_function_exists(clients, workflow, step.name, prefix):
            return False
        family = task_family(workflow, step.name, prefix)
        if kind == "image" and not active_task_definition(clients, workflow, family):
            return False
    return True


def workflow_diagnostics(attributes: Mapping[str, Any], config: AwsConfig) -> list[Diagnostic]:
    """Steps the provider block does not equip: sql steps without a cluster, image steps
    without an ECS cluster; each names its step."""
    document = WorkflowDocument.model_validate(attributes["document"])
    found = []
    for step in document.steps:
        problem = None
        if step.type == "sql" and step.sql is not None:
            try:
                sql_target(step.sql.connection, config.data_api)
            except SqlTargetError as exc:
                problem = str(exc)
        elif _kind(step) == "image" and config.ecs is None:
            problem = ECS_NEEDED
        if problem is None and _kind(step) == "shell":
            problem = _leak(step, document.sensitive_values)
        if problem:
            found.append(Diagnostic(f"step {step.name!r}: {problem}", "step"))
    return found


def _leak(step: Step, sensitive: list[str]) -> str | None:
    """A sensitive value in a shell step's script, which is its generated function's code
    (values the definition holds are read from Secrets Manager: definition_secrets.py)."""
    assert step.shell is not None
    if any(secret and secret in step.shell.script for secret in sensitive):
        return (
            "a sensitive value in its script would be written into the code of its generated "
            "Lambda function in clear; pass it in the step's env instead"
        )
    return None


def _kind(step: Step) -> str:
    """What a step owns: "http" (a connection), "shell" (a function), "image" (a task
    family), or "" (nothing)."""
    if step.type == "shell" and step.shell is not None:
        return "image" if step.shell.image else "shell"
    return "http" if step.type == "http" else ""
