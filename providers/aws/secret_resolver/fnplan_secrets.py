#!/usr/bin/env python3
"""fnplan's secrets wrapper, shipped in a Lambda layer as /opt/fnplan-secrets and named by the
function's AWS_LAMBDA_EXEC_WRAPPER: Lambda runs it with the runtime's command line. For each
FNPLAN_SECRET_<NAME>=<secret ARN> in the environment it reads the secret (Secrets Manager,
with the function's own credentials) and sets NAME to its value, then runs the runtime, so the
handler finds its environment as configured, without the value in the function's
configuration. Standard library and boto3 only (both in Lambda's Python runtimes)."""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping, Sequence
from typing import Any

PREFIX = "FNPLAN_SECRET_"


def resolve(environ: MutableMapping[str, str], client: Any) -> list[str]:
    """Replace each FNPLAN_SECRET_<NAME> by NAME = the secret's value; the names set."""
    names = []
    for key in sorted(k for k in environ if k.startswith(PREFIX)):
        name = key[len(PREFIX) :]
        environ[name] = client.get_secret_value(SecretId=environ.pop(key))["SecretString"]
        names.append(name)
    return names


def main(argv: Sequence[str]) -> None:
    """Resolve the secrets, then become the runtime (argv[1:])."""
    if any(key.startswith(PREFIX) for key in os.environ):
        import boto3

        try:
            resolve(os.environ, boto3.client("secretsmanager"))
        except Exception as error:  # the function must not start without its environment
            print(f"fnplan-secrets: cannot read a secret: {error}", file=sys.stderr)
            sys.exit(1)
    os.execvp(argv[1], list(argv[1:]))


if __name__ == "__main__":
    main(sys.argv)
