"""A function's `scaling` on Lambda: `max` is the function's reserved concurrency (at most
that many instances run at once, and that many are kept for it); `concurrency` (requests per
instance) has no Lambda equivalent, since each execution environment serves one request at
a time, so validate warns when it is set."""

from __future__ import annotations

from typing import Any

from fnplan.provider_schema import Diagnostic

from .clients import Clients, aws_errors

#: `scaling.concurrency` when the configuration does not set it (docs/language.md): no warning
DEFAULT_CONCURRENCY = 10


def scaling_diagnostics(attributes: dict[str, Any]) -> list[Diagnostic]:
    """The warning for the scaling settings Lambda cannot honour."""
    concurrency = (attributes.get("scaling") or {}).get("concurrency")
    if concurrency is None or concurrency == DEFAULT_CONCURRENCY:
        return []
    return [
        Diagnostic(
            f"Lambda runs one request at a time per instance: concurrency = {concurrency} "
            "has no effect (scaling.max limits the instances)",
            "scaling",
            severity="warning",
        )
    ]


def put_reserved_concurrency(
    clients: Clients, address: str, name: str, attributes: dict[str, Any]
) -> None:
    """Set the function's reserved concurrency to `scaling.max`."""
    reserved = int((attributes.get("scaling") or {}).get("max") or 0)
    if reserved < 1:
        return
    with aws_errors(f"{address}: lambda PutFunctionConcurrency {name}"):
        clients["lambda"].put_function_concurrency(
            FunctionName=name, ReservedConcurrentExecutions=reserved
        )


def observed_scaling(
    clients: Clients, address: str, name: str, prior: dict[str, Any]
) -> dict[str, Any]:
    """The prior scaling with `max` read back from Lambda (a console change is drift)."""
    with aws_errors(f"{address}: lambda GetFunctionConcurrency {name}"):
        found = clients["lambda"].get_function_concurrency(FunctionName=name)
    reserved = found.get("ReservedConcurrentExecutions")
    return {**prior, "max": reserved}
