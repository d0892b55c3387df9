"""`fnplan invoke` on AWS: one Lambda invocation of a function version's alias, logged in
fnplan's execution log format (providers/aws/runlog.py)."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from fnplan.errors import FnplanError

from .clients import Clients, aws_errors, missing
from .functions import alias_name, function_name
from .runlog import RunLog, new_execution_id

if TYPE_CHECKING:
    from fnplan.provider import ProviderContext
    from fnplan.run import ErrorInfo, RunOptions, RunResult


class AwsRunner:
    """The FunctionInvoker capability (fnplan.provider) of the aws provider."""

    context: ProviderContext
    clients: Clients
    prefix: str

    def invoke_function(
        self, address: str, input: Any, *, version: str | None, options: RunOptions
    ) -> RunResult:
        """Invoke alias `v-<hash>` of the function's version (the newest published if None)."""
        from fnplan.run import RunResult, runs_dir

        name = function_name(address, self.prefix)
        version = version or self._latest_version(address, name)
        qualifier = alias_name(version)
        self._require_alias(address, name, qualifier, version)
        log = RunLog(
            options.log_dir or runs_dir(self.context.data_dir),
            address,
            version,
            new_execution_id(options.execution_id),
            options.on_event,
        )
        step = log.workflow
        log.write("run_started", input=input)
        log.write("started", step, node_type="function", attempt=1, input=input)
        began = time.monotonic()
        output, error = self._invoke(address, name, qualifier, input)
        took = (time.monotonic() - began) * 1000.0
        if error is None:
            log.write("succeeded", step, node_type="function", duration_ms=took, output=output)
            log.write("run_succeeded", duration_ms=took, output=output)
            return RunResult("succeeded", output, None, None, log.path, log.execution_id)
        log.write("failed", step, node_type="function", attempt=1, duration_ms=took, error=error)
        message = f"step {step!r} failed"
        log.write("run_failed", duration_ms=took, error=error, message=message)
        return RunResult("failed", None, error, step, log.path, log.execution_id)

    def _invoke(
        self, address: str, name: str, qualifier: str, input: Any
    ) -> tuple[Any, ErrorInfo | None]:
        """The handler's result, or the error Lambda reports (errorType/errorMessage)."""
        from fnplan.run import ErrorInfo

        with aws_errors(f"{address}: lambda Invoke {name}:{qualifier}"):
            answer = self.clients["lambda"].invoke(
                FunctionName=name, Qualifier=qualifier, Payload=json.dumps(input).encode()
            )
        body = answer["Payload"].read().decode("utf-8", errors="replace")
        try:
            value: Any = json.loads(body) if body.strip() else None
        except json.JSONDecodeError:
            value = body
        if not answer.get("FunctionError"):
            return value, None
        detail = value if isinstance(value, dict) else {}
        kind = str(detail.get("errorType") or answer["FunctionError"])
        message = str(detail.get("errorMessage") or body)
        trace = detail.get("stackTrace")
        text = "".join(trace) if isinstance(trace, list) else None
        return None, ErrorInfo(type=kind, message=message, traceback=text)

    def _latest_version(self, address: str, name: str) -> str:
        """The fnplan version of the newest published Lambda version ("fnplan <hash>")."""
        lam = self.clients["lambda"]
        numbered: list[tuple[int, str]] = []
        try:
            with aws_errors(f"{address}: lambda ListVersionsByFunction {name}"):
                for page in lam.get_paginator("list_versions_by_function").paginate(
                    FunctionName=name
                ):
                    for entry in page["Versions"]:
                        described = str(entry.get("Description", ""))
                        if entry["Version"].isdigit() and described.startswith("fnplan "):
                            numbered.append((int(entry["Version"]), described.split()[1]))
        except FnplanError as exc:
            if "ResourceNotFoundException" in str(exc):
                raise _not_deployed(address) from None
            raise
        if not numbered:
            raise _not_deployed(address)
        return max(numbered)[1]

    def _require_alias(self, address: str, name: str, qualifier: str, version: str) -> None:
        from botocore.exceptions import ClientError

        with aws_errors(f"{address}: lambda GetAlias {name}:{qualifier}"):
            try:
                self.clients["lambda"].get_alias(FunctionName=name, Name=qualifier)
            except ClientError as exc:
                if missing(exc):
                    raise FnplanError(
                        f"{address} has no deployed version {version!r} on aws",
                        hint="fnplan apply deploys it (keep_versions prunes old ones)",
                    ) from None
                raise


def _not_deployed(address: str) -> FnplanError:
    return FnplanError(f"{address} is not deployed on aws", hint="run fnplan apply first")
