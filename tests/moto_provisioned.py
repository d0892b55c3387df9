"""Lambda provisioned concurrency for moto's server, which (5.2.5) has no such API: Put, Get
and Delete ProvisionedConcurrencyConfig on a version or alias, at Lambda's own paths
(`/2019-09-30/functions/{name}/provisioned-concurrency?Qualifier=...`) with its JSON bodies
and errors, so that the aws provider's `scaling.min` is tested against the real wire format.

The emulation is minimal: a configuration is READY at once with everything requested
allocated (AWS takes minutes, through IN_PROGRESS), and it lives with the account and region's
Lambda backend (a moto reset clears it) under the function's name and qualifier.
`install()` registers it before the server starts (tests/moto_jsonata.py calls it).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from moto.awslambda import urls
from moto.awslambda.exceptions import LambdaClientError
from moto.awslambda.models import LambdaBackend
from moto.awslambda.responses import LambdaResponse

_PATH = (
    r"{0}/(?P<api_version>[^/]+)/functions/(?P<function_name>[\w_:%-]+)/provisioned-concurrency/?$"
)


class ConfigNotFound(LambdaClientError):
    """What Lambda answers for a version or alias without provisioned concurrency."""

    code = 404

    def __init__(self, name: str, qualifier: str) -> None:
        super().__init__(
            "ProvisionedConcurrencyConfigNotFoundException",
            f"No Provisioned Concurrency Config found for this function: {name}:{qualifier}",
        )


class InvalidQualifier(LambdaClientError):
    """Lambda takes provisioned concurrency only on a published version or an alias."""

    code = 400

    def __init__(self, qualifier: str) -> None:
        super().__init__(
            "InvalidParameterValueException",
            f"Provisioned Concurrency Configs cannot be applied to qualifier: {qualifier}",
        )


def _configs(backend: LambdaBackend) -> dict[tuple[str, str], dict[str, Any]]:
    """The backend's provisioned concurrency configurations (gone with it on reset)."""
    configs: dict[tuple[str, str], dict[str, Any]] = backend.__dict__.setdefault(
        "provisioned_concurrency", {}
    )
    return configs


def _target(response: LambdaResponse) -> tuple[str, str]:
    """The function's name and the qualifier, both existing (else Lambda's 404 / 400)."""
    name = unquote(response.path.rsplit("/", 2)[-2])
    qualifier = str(response.querystring.get("Qualifier", [""])[0])
    if qualifier in ("", "$LATEST"):
        raise InvalidQualifier(qualifier or "(none)")
    function = response.backend.get_function(name, qualifier)
    return str(function.function_name), qualifier


def put_provisioned_concurrency_config(self: LambdaResponse) -> tuple[int, dict[str, Any], str]:
    key = _target(self)
    requested = int(json.loads(self.body or "{}")["ProvisionedConcurrentExecutions"])
    config = {
        "RequestedProvisionedConcurrentExecutions": requested,
        "AvailableProvisionedConcurrentExecutions": requested,
        "AllocatedProvisionedConcurrentExecutions": requested,
        "Status": "READY",
        "LastModified": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _configs(self.backend)[key] = config
    return 202, {"status": 202}, json.dumps(config)


def get_provisioned_concurrency_config(self: LambdaResponse) -> tuple[int, dict[str, Any], str]:
    key = _target(self)
    config = _configs(self.backend).get(key)
    if config is None:
        raise ConfigNotFound(*key)
    return 200, {}, json.dumps(config)


def delete_provisioned_concurrency_config(
    self: LambdaResponse,
) -> tuple[int, dict[str, Any], str]:
    key = _target(self)
    if _configs(self.backend).pop(key, None) is None:
        raise ConfigNotFound(*key)
    return 204, {"status": 204}, ""


def install() -> None:
    """Route Lambda's provisioned-concurrency path to the operations above."""
    urls.url_paths[_PATH] = LambdaResponse.dispatch
    LambdaResponse.put_provisioned_concurrency_config = put_provisioned_concurrency_config  # type: ignore[attr-defined]
    LambdaResponse.get_provisioned_concurrency_config = get_provisioned_concurrency_config  # type: ignore[attr-defined]
    LambdaResponse.delete_provisioned_concurrency_config = delete_provisioned_concurrency_config  # type: ignore[attr-defined]
