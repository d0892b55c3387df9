"""Lambda functions fnplan generates for a workflow (its expression function, its shell
steps' functions): created, or brought up to date with this fnplan, and deleted with the
workflow. They carry the workflow's tags; their code is built by fnplan, not the user."""

from __future__ import annotations

from typing import Any

from .clients import Clients, aws_errors
from .functions import wait_until_active
from .packaging import package_sha256


def ensure_generated_function(
    clients: Clients,
    address: str,
    name: str,
    package: bytes,
    settings: dict[str, Any],
    tags: dict[str, str],
) -> str:
    """The ARN of function `name` running `package` with `settings` (Runtime, Handler,
    Role, ...): created when missing, else its code and configuration updated."""
    lam = clients["lambda"]
    with aws_errors(f"{address}: lambda GetFunction {name}"):
        try:
            found = lam.get_function(FunctionName=name)["Configuration"]
        except lam.exceptions.ResourceNotFoundException:
            found = None
    if found is None:
        with aws_errors(f"{address}: lambda CreateFunction {name}"):
            created = lam.create_function(
                FunctionName=name, Code={"ZipFile": package}, Tags=tags, **settings
            )
        wait_until_active(lam, name, address)
        return str(created["FunctionArn"])
    if found.get("CodeSha256") != package_sha256(package):
        with aws_errors(f"{address}: lambda UpdateFunctionCode {name}"):
            lam.update_function_code(FunctionName=name, ZipFile=package)
        wait_until_active(lam, name, address)
    with aws_errors(f"{address}: lambda UpdateFunctionConfiguration {name}"):
        lam.update_function_configuration(FunctionName=name, **settings)
    wait_until_active(lam, name, address)
    return str(found["FunctionArn"])
