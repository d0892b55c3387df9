"""A function's `scaling` on Lambda: `max` is the function's reserved concurrency (at most
that many instances run at once, and that many are kept for it); `min` > 0 is provisioned
concurrency on the alias `live` (what triggers invoke: it follows the alias from version to
version, so a new version needs no call); `concurrency` (requests per instance) has no Lambda
equivalent, since each execution environment serves one request at a time, so validate warns
when it is set."""

from __future__ import annotations

import contextlib
from typing import Any

from fnplan.provider_schema import Diagnostic

from .clients import Clients, aws_errors
from .rollouts import LIVE_ALIAS as LIVE

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


def put_provisioned_concurrency(
    clients: Clients, address: str, name: str, attributes: dict[str, Any], before: int = 0
) -> None:
    """Provision `scaling.min` instances on the alias `live`, or remove the provisioning
    `before` asked for when `min` is back to 0 (no call when neither asks for any)."""
    wanted, lam = provisioned_min(attributes), clients["lambda"]
    if wanted > 0:
        with aws_errors(f"{address}: lambda PutProvisionedConcurrencyConfig {name}:{LIVE}"):
            lam.put_provisioned_concurrency_config(
                FunctionName=name, Qualifier=LIVE, ProvisionedConcurrentExecutions=wanted
            )
    elif before > 0:
        # removed already (in the console, or by a crashed apply) is no error
        gone = lam.exceptions.ProvisionedConcurrencyConfigNotFoundException
        what = f"{address}: lambda DeleteProvisionedConcurrencyConfig {name}:{LIVE}"
        with aws_errors(what), contextlib.suppress(gone):
            lam.delete_provisioned_concurrency_config(FunctionName=name, Qualifier=LIVE)


def observed_scaling(
    clients: Clients, address: str, name: str, prior: dict[str, Any]
) -> dict[str, Any]:
    """The prior scaling with `max` and `min` read back from Lambda (a console change is
    drift)."""
    lam = clients["lambda"]
    with aws_errors(f"{address}: lambda GetFunctionConcurrency {name}"):
        found = lam.get_function_concurrency(FunctionName=name)
    with aws_errors(f"{address}: lambda GetProvisionedConcurrencyConfig {name}:{LIVE}"):
        try:
            provisioned = lam.get_provisioned_concurrency_config(FunctionName=name, Qualifier=LIVE)
        except lam.exceptions.ProvisionedConcurrencyConfigNotFoundException:
            provisioned = {}
    reserved = found.get("ReservedConcurrentExecutions")
    wanted = provisioned.get("RequestedProvisionedConcurrentExecutions", 0)
    return {**prior, "max": reserved, "min": wanted}


def provisioned_min(attributes: dict[str, Any]) -> int:
    """The instances `scaling.min` provisions (0: none)."""
    return int((attributes.get("scaling") or {}).get("min") or 0)
