"""Sensitive values of a workflow kept out of its WorkflowTemplate.

A workflow document lists the sensitive texts its run may use (`sensitive_values`). A step
value holding one goes through the step's values task (argo_values.py) with each such text
replaced by a token; the tokens' values are in a Secret `<template>-secrets`, which the
values script reads through `secretKeyRef` and substitutes back before it evaluates. What
the template still holds in clear after that is refused (`check_sealed`), so no sensitive
value is ever written into a template.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

#: the Secret's key holding {token: value} as JSON
SECRETS_KEY = "values.json"
#: the values script's environment variable carrying that JSON
SECRETS_ENV = "FNPLAN_SECRETS"


def secret_name(template: str) -> str:
    """The Secret of a template's sensitive values."""
    return f"{template}-secrets"


def token(index: int) -> str:
    """What stands for the `index`th sensitive value in a template (no JSON escaping)."""
    return f"@@fnplan-secret-{index}@@"


def _escaped(secret: str) -> str:
    """A text as it appears inside a JSON string."""
    return json.dumps(secret, ensure_ascii=False)[1:-1]


def holds_secret(value: Any, secrets: Sequence[str]) -> bool:
    """Whether `value` (JSON data) holds one of `secrets`."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return any(_escaped(secret) in text for secret in secrets)


def seal(text: str, secrets: Sequence[str]) -> str:
    """`text` (JSON) with each of `secrets` replaced by its token, longest first (so a secret
    inside another is not split)."""
    for index, secret in sorted(enumerate(secrets), key=lambda item: -len(item[1])):
        text = text.replace(_escaped(secret), token(index))
    return text


def secret_manifest(
    template: str, namespace: str, labels: dict[str, str], secrets: Sequence[str]
) -> dict[str, Any]:
    """The Secret the values script reads the tokens' values from."""
    values = json.dumps({token(i): secret for i, secret in enumerate(secrets)})
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": secret_name(template), "namespace": namespace, "labels": labels},
        "type": "Opaque",
        "data": {SECRETS_KEY: base64.b64encode(values.encode()).decode("ascii")},
    }


def secret_env(template: str) -> dict[str, Any]:
    """The values script's env entry reading the Secret."""
    ref = {"name": secret_name(template), "key": SECRETS_KEY}
    return {"name": SECRETS_ENV, "valueFrom": {"secretKeyRef": ref}}


def check_sealed(manifest: dict[str, Any], secrets: Sequence[str]) -> None:
    """ValueError naming the first place a sensitive value is still in clear."""
    for path, text in _strings(manifest.get("spec"), "spec"):
        if any(secret in text or _escaped(secret) in text for secret in secrets):
            raise ValueError(
                f"a sensitive value would be written in clear at {path} of the "
                "WorkflowTemplate; on Kubernetes, sensitive values may reach steps only "
                "through step inputs and the workflow output"
            )


def _strings(value: Any, path: str) -> list[tuple[str, str]]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [s for i, v in enumerate(value) for s in _strings(v, f"{path}[{i}]")]
    return [(path, value)] if isinstance(value, str) else []
