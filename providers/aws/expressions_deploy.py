"""Deploying a workflow's expression function (expression_function.py): created or brought
up to date with the state machine that calls it, deleted with it."""

from __future__ import annotations

from pathlib import Path

from .clients import Clients, unless_missing
from .expression_function import (
    HANDLER,
    RUNTIME,
    expression_function_name,
    expression_package,
    requirements,
)
from .generated_functions import ensure_generated_function
from .layers import build_layer, content_hash, delete_layer_versions, layer_name, publish_layer
from .roles import delete_role, ensure_role, function_policy, role_name


def deploy_expression_function(
    clients: Clients,
    workflow: str,
    prefix: str,
    tags: dict[str, str],
    lineage: str | None,
    cache_dir: Path,
) -> str:
    """The ARN of the workflow's expression function, created or updated to this fnplan."""
    name = expression_function_name(workflow, prefix)
    address = f"{workflow}.expressions"
    python = RUNTIME.removeprefix("python")
    packages = requirements()
    layer = publish_layer(
        clients,
        address,
        layer_name(address, prefix),
        build_layer(packages, python, "x86_64", cache_dir),
        content_hash(packages, python, "x86_64"),
        RUNTIME,
    )
    role = ensure_role(  # owned by the workflow: its tags name the workflow
        clients,
        workflow,
        role_name(address, prefix),
        "lambda.amazonaws.com",
        function_policy(clients, name),
        tags,
        lineage,
    )
    package = expression_package()
    settings = {
        "Runtime": RUNTIME,
        "Handler": HANDLER,
        "Role": role,
        "Layers": [layer],
        "MemorySize": 256,
        "Timeout": 30,
        "Description": f"fnplan: expressions of {workflow}",
    }
    return ensure_generated_function(clients, address, name, package, settings, tags)


def delete_expression_function(clients: Clients, workflow: str, prefix: str) -> None:
    """Delete the function, its layer and its role; missing ones are fine."""
    name = expression_function_name(workflow, prefix)
    address = f"{workflow}.expressions"
    with unless_missing(f"{address}: lambda DeleteFunction {name}"):
        clients["lambda"].delete_function(FunctionName=name)
    delete_layer_versions(clients, address, layer_name(address, prefix))
    delete_role(clients, address, role_name(address, prefix))
