"""What of the desired resources is sensitive: the texts of marked values (fnplan.expr.marks)
that the configuration holds, per workflow those its run may write (the executor masks them
as `***` in logs and captured output), and per function the env entries that hold them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fnplan.config.model import Config
from fnplan.resources import Resource


def sensitive_values(config: Config) -> set[str]:
    """Every sensitive text of the configuration and all its modules."""
    found = set(config.sensitive_values)
    for module in config.modules.values():
        found |= sensitive_values(module.config)
    return found


def add_function_secrets(functions: Mapping[str, dict[str, Any]], secrets: set[str]) -> None:
    """Name in each function's `sensitive_env` the env entries that hold a secret (before its
    version is hashed: moving a value to a secret store changes what is deployed)."""
    if not secrets:
        return
    for attributes in functions.values():
        names = sorted(
            name
            for name, value in (attributes.get("env") or {}).items()
            if any(_holds(_text(value), secret) for secret in secrets if secret)
        )
        if names:
            attributes["sensitive_env"] = names


def add_workflow_secrets(resources: Mapping[str, Resource], secrets: set[str]) -> None:
    """Fill each workflow document's `sensitive_values`: the secrets in the document itself or
    in what its steps call (function env, nested workflows)."""
    if not secrets:
        return
    for resource in resources.values():
        if resource.type != "workflow":
            continue
        document: dict[str, Any] = resource.attributes["document"]
        texts = [_text({k: v for k, v in document.items() if k != "sensitive_values"})]
        texts += [
            _text(resources[address].attributes)
            for address in resource.depends_on
            if address in resources
        ]
        document["sensitive_values"] = sorted(
            secret for secret in secrets if any(_holds(text, secret) for text in texts)
        )


def add_trigger_secrets(resources: Mapping[str, Resource], secrets: set[str]) -> None:
    """Mark `sensitive_input` on each trigger whose `input` holds a secret: a provider that
    would store the input in the platform's configuration can refuse it."""
    if not secrets:
        return
    for resource in resources.values():
        if resource.type != "trigger":
            continue
        text = _text(resource.attributes.get("input"))
        if any(_holds(text, secret) for secret in secrets if secret):
            resource.attributes["sensitive_input"] = True


def _text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _holds(text: str, secret: str) -> bool:
    """Whether JSON `text` holds `secret`, as written or escaped as a JSON string."""
    return secret in text or json.dumps(secret, ensure_ascii=False)[1:-1] in text
