"""The generated Lambda function of a shell step without an `image`: the step's script and
fnplan's handler (shell_handler.py) in a zip, with a role that may write only its own logs;
owned by the workflow (its tags), deleted with it. The script is the function's code, so
the state machine passes only the step's environment."""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path
from typing import Any

from fnplan.naming import LAMBDA_FUNCTION, physical_name
from fnplan.workflow.model import Step

from .clients import Clients, aws_errors, unless_missing
from .generated_functions import ensure_generated_function
from .packaging import add_file
from .roles import delete_role, ensure_role, function_policy, role_name

RUNTIME = "python3.12"
HANDLER = "fnplan_shell.handler"
DEFAULT_MEMORY = 256
DEFAULT_TIMEOUT = 300
_LAMBDA_TIMEOUT = (1, 900)
_HANDLER = Path(__file__).with_name("shell_handler.py")


def shell_address(workflow: str, step: str) -> str:
    """The address the function and its role are named from."""
    return f"{workflow}.{step}.shell"


def shell_function_name(workflow: str, step: str, prefix: str) -> str:
    return physical_name(shell_address(workflow, step), LAMBDA_FUNCTION, prefix=prefix)


def shell_package(script: str) -> bytes:
    """The function's zip: the handler module and the script (equal scripts, equal zips)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        add_file(archive, "fnplan_shell.py", _HANDLER.read_bytes())
        add_file(archive, "script.sh", script.encode())
    return buffer.getvalue()


def deploy_shell_function(
    clients: Clients,
    workflow: str,
    step: Step,
    prefix: str,
    tags: dict[str, str],
    lineage: str | None,
) -> str:
    """The ARN of the step's function, created or brought up to date with its script."""
    assert step.shell is not None
    address = shell_address(workflow, step.name)
    name = shell_function_name(workflow, step.name, prefix)
    role = ensure_role(  # owned by the workflow: its tags name the workflow
        clients,
        workflow,
        role_name(address, prefix),
        "lambda.amazonaws.com",
        function_policy(clients, name),
        tags,
        lineage,
    )
    settings = {
        "Runtime": RUNTIME,
        "Handler": HANDLER,
        "Role": role,
        "Description": f"fnplan: shell step {step.name} of {workflow}",
        **_limits(step),
    }
    package = shell_package(step.shell.script)
    return ensure_generated_function(clients, address, name, package, settings, tags)


def shell_function_exists(clients: Clients, workflow: str, step: str, prefix: str) -> bool:
    lam = clients["lambda"]
    name = shell_function_name(workflow, step, prefix)
    with aws_errors(f"{shell_address(workflow, step)}: lambda GetFunction {name}"):
        try:
            lam.get_function(FunctionName=name)
        except lam.exceptions.ResourceNotFoundException:
            return False
    return True


def delete_shell_function(clients: Clients, workflow: str, step: str, prefix: str) -> None:
    """Delete the function and its role; missing ones are fine."""
    address = shell_address(workflow, step)
    name = shell_function_name(workflow, step, prefix)
    with unless_missing(f"{address}: lambda DeleteFunction {name}"):
        clients["lambda"].delete_function(FunctionName=name)
    delete_role(clients, address, role_name(address, prefix))


def _limits(step: Step) -> dict[str, Any]:
    """Memory and timeout from the step's `resources`, within Lambda's limits."""
    resources = step.resources
    memory = resources.memory if resources and resources.memory else DEFAULT_MEMORY
    timeout = resources.timeout if resources and resources.timeout else DEFAULT_TIMEOUT
    low, high = _LAMBDA_TIMEOUT
    return {
        "MemorySize": min(max(int(memory), 128), 10_240),
        "Timeout": min(max(math.ceil(timeout) + 1, low), high),  # +1: the handler's margin
    }
