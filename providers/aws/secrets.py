"""Sensitive env values of a function (its `sensitive_env`) go to AWS Secrets Manager, one
secret per entry named `fnplan/<function name>/<NAME>` and tagged like the function; the
Lambda configuration holds only `FNPLAN_SECRET_<NAME>` = the secret's ARN, and a layer fnplan
publishes with the function (secret_resolver/) sets NAME from it before the handler runs
(AWS_LAMBDA_EXEC_WRAPPER), so handler code runs unchanged. The state records each secret's
ARN and the sha256 of its value, never the value; refresh compares that hash with the secret,
so a value changed outside fnplan shows as drift (without showing either value).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from fnplan.provider_schema import Diagnostic

from .clients import Clients, aws_errors, unless_missing
from .layers import publish_layer
from .ownership import check_ours
from .secret_resolver import WRAPPER_PATH, layer_key, layer_zip
from .secret_resolver.fnplan_secrets import PREFIX

WRAPPER_VARIABLE = "AWS_LAMBDA_EXEC_WRAPPER"
#: what refresh shows for a secret whose value is not the one fnplan wrote
CHANGED_SECRET = "(secret changed outside fnplan)"
#: Lambda's layer names: letters, digits, - and _, at most 140 characters
_LAYER_SUFFIX = "-secrets"


def secret_name(function: str, variable: str) -> str:
    return f"fnplan/{function}/{variable}"


def secrets_layer_name(function: str) -> str:
    return f"{function}{_LAYER_SUFFIX}"


def value_hash(value: Any) -> str:
    return "sha256:" + hashlib.sha256(str(value).encode()).hexdigest()


def secret_names(attributes: Mapping[str, Any]) -> list[str]:
    """The env entries that go to Secrets Manager."""
    return list(attributes.get("sensitive_env") or [])


def secret_diagnostics(attributes: Mapping[str, Any]) -> list[Diagnostic]:
    """A function with secrets runs fnplan's wrapper: a Python runtime, no wrapper of its own."""
    if not secret_names(attributes):
        return []
    found = []
    language = str((attributes.get("runtime") or {}).get("language", ""))
    if not language.startswith("python"):
        found.append(
            Diagnostic(
                f"sensitive env values on Lambda are resolved by a Python wrapper; runtime "
                f"language {language!r} has no Python to run it",
                "env",
            )
        )
    if WRAPPER_VARIABLE in (attributes.get("env") or {}):
        found.append(
            Diagnostic(
                f"env sets {WRAPPER_VARIABLE}, which fnplan needs to resolve this function's "
                "sensitive values on Lambda",
                "env",
            )
        )
    return found


def secret_statement(clients: Clients, function: str) -> dict[str, Any]:
    """The role's permission to read its function's secrets, and nothing else."""
    prefix = f"arn:aws:secretsmanager:{clients.region}:{clients.account}:secret"
    return {
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": f"{prefix}:{secret_name(function, '*')}",
    }


def lambda_environment(
    env: Mapping[str, Any], recorded: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    """The function's Lambda environment: its plain entries, and for each secret its ARN."""
    variables = {k: str(v) for k, v in env.items() if k not in recorded}
    variables.update({f"{PREFIX}{k}": str(secret["arn"]) for k, secret in recorded.items()})
    if recorded:
        variables[WRAPPER_VARIABLE] = WRAPPER_PATH
    return variables


class SecretStore:
    """Secrets Manager secrets of one address, each recorded as its ARN and value hash."""

    def __init__(
        self, clients: Clients, address: str, tags: dict[str, str], lineage: str | None
    ) -> None:
        self.clients, self.address, self.tags, self.lineage = clients, address, tags, lineage

    def put(
        self, wanted: Mapping[str, tuple[str, str]], recorded: Mapping[str, Mapping[str, str]]
    ) -> dict[str, dict[str, str]]:
        """Per key, the secret (name, value) created or given its value (one that holds it
        already is left alone); recorded secrets no longer wanted deleted."""
        same = {
            k: v
            for k, v in recorded.items()
            if k in wanted and v.get("sha256") == value_hash(wanted[k][1])
        }
        intact = self.intact(same)
        secrets: dict[str, dict[str, str]] = {}
        for key, (name, value) in wanted.items():
            if intact.get(key):
                secrets[key] = dict(recorded[key])
            else:
                secrets[key] = {"arn": self._write(name, value), "sha256": value_hash(value)}
        self.delete({k: v for k, v in recorded.items() if k not in secrets})
        return secrets

    def intact(self, recorded: Mapping[str, Mapping[str, str]]) -> dict[str, bool]:
        """Per secret, whether it still holds the value fnplan wrote."""
        found = {}
        sm = self.clients["secretsmanager"]
        for key, secret in recorded.items():
            with aws_errors(f"{self.address}: secretsmanager GetSecretValue {secret['arn']}"):
                try:
                    value = sm.get_secret_value(SecretId=secret["arn"]).get("SecretString")
                except sm.exceptions.ResourceNotFoundException:
                    value = None
            found[key] = value is not None and value_hash(value) == secret.get("sha256")
        return found

    def delete(self, recorded: Mapping[str, Mapping[str, str]]) -> None:
        """Delete these secrets at once (no recovery window: the state no longer names them)."""
        for secret in recorded.values():
            with unless_missing(f"{self.address}: secretsmanager DeleteSecret {secret['arn']}"):
                self.clients["secretsmanager"].delete_secret(
                    SecretId=secret["arn"], ForceDeleteWithoutRecovery=True
                )

    def _write(self, name: str, value: str) -> str:
        sm = self.clients["secretsmanager"]
        tags = [{"Key": k, "Value": v} for k, v in self.tags.items()]
        with aws_errors(f"{self.address}: secretsmanager CreateSecret {name}"):
            try:
                made = sm.create_secret(Name=name, SecretString=value, Tags=tags)
            except sm.exceptions.ResourceExistsException:
                made = self._overwrite(name, value)
        return str(made["ARN"])

    def _overwrite(self, name: str, value: str) -> dict[str, Any]:
        """A new value for an existing secret: fnplan's own (by its address tag), or refused."""
        sm = self.clients["secretsmanager"]
        described = sm.describe_secret(SecretId=name)
        found = {t["Key"]: t["Value"] for t in described.get("Tags", [])}
        check_ours(self.address, self.lineage, found, f"secret {name}")
        sm.put_secret_value(SecretId=name, SecretString=value)
        return {"ARN": described["ARN"]}


class FunctionSecrets(SecretStore):
    """The secrets and the resolver layer of one Lambda function."""

    def __init__(
        self,
        clients: Clients,
        address: str,
        function: str,
        tags: dict[str, str],
        lineage: str | None,
    ) -> None:
        super().__init__(clients, address, tags, lineage)
        self.function = function

    def put_env(
        self, attributes: Mapping[str, Any], recorded: Mapping[str, Mapping[str, str]]
    ) -> dict[str, dict[str, str]]:
        """The secret of each sensitive env entry, by entry name."""
        env = attributes.get("env") or {}
        return self.put(
            {v: (secret_name(self.function, v), str(env[v])) for v in secret_names(attributes)},
            recorded,
        )

    def layer(self, runtime: str) -> str:
        """The ARN of the resolver layer's version (published once per content)."""
        return publish_layer(
            self.clients,
            self.address,
            secrets_layer_name(self.function),
            layer_zip(),
            layer_key(),
            runtime,
        )

    def delete_layer(self) -> None:
        """Delete every version of the function's resolver layer."""
        lam, name = self.clients["lambda"], secrets_layer_name(self.function)
        with aws_errors(f"{self.address}: lambda ListLayerVersions {name}"):
            pages = lam.get_paginator("list_layer_versions").paginate(LayerName=name)
            numbers = [v["Version"] for page in pages for v in page.get("LayerVersions", [])]
        for number in numbers:
            with unless_missing(f"{self.address}: lambda DeleteLayerVersion {name}:{number}"):
                lam.delete_layer_version(LayerName=name, VersionNumber=number)


def observed_env(
    variables: Mapping[str, str],
    prior_env: Mapping[str, Any],
    recorded: Mapping[str, Mapping[str, str]],
    intact: Mapping[str, bool],
) -> dict[str, Any]:
    """The Lambda environment in fnplan's terms: each secret's reference read back as the
    recorded value while the secret holds it (its hash), else as CHANGED_SECRET."""
    env: dict[str, Any] = {
        k: v
        for k, v in variables.items()
        if not k.startswith(PREFIX) and not (k == WRAPPER_VARIABLE and v == WRAPPER_PATH)
    }
    for variable, secret in recorded.items():
        referenced = variables.get(f"{PREFIX}{variable}") == secret["arn"]
        env[variable] = (
            prior_env.get(variable) if referenced and intact.get(variable) else CHANGED_SECRET
        )
    return env
