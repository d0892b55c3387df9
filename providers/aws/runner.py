"""`fnplan invoke` and `fnplan run` on AWS: one Lambda invocation of a function version's
alias, or one execution of a workflow's state machine alias followed through its history;
both logged in fnplan's execution log format (providers/aws/runlog.py)."""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

from fnplan.errors import FnplanError

from .clients import Clients, aws_errors, missing
from .execution_events import EventRecorder
from .functions import alias_name, function_name
from .runlog import RunLog, new_execution_id
from .targets import state_machine_name

#: how often a running execution's history is read again
_POLL_SECONDS = 0.25

if TYPE_CHECKING:
    from fnplan.provider import ProviderContext
    from fnplan.run import ErrorInfo, RunOptions, RunResult


class AwsRunner:
    """The WorkflowRunner and FunctionInvoker capabilities (fnplan.provider) of the aws
    provider."""

    context: ProviderContext
    clients: Clients
    prefix: str

    def run_workflow(self, address: str, input: Any, *, options: RunOptions) -> RunResult:
        """Start the newest version's alias (the execution named by its id), follow it."""
        from fnplan.run import RunResult, runs_dir

        if options.from_step is not None:
            raise FnplanError("the aws provider cannot re-run a workflow from a step")
        alias_arn = self._newest_alias(address)
        log = RunLog(
            options.log_dir or runs_dir(self.context.data_dir),
            address,
            alias_arn.rsplit(":v-", 1)[1],
            new_execution_id(options.execution_id),
            options.on_event,
        )
        sfn = self.clients["stepfunctions"]
        with aws_errors(f"{address}: states StartExecution {alias_arn}"):
            started = sfn.start_execution(
                stateMachineArn=alias_arn, name=log.execution_id, input=json.dumps(input)
            )
        recorder = EventRecorder(log)
        self._follow(address, started["executionArn"], recorder)
        if recorder.error is None:
            return RunResult("succeeded", recorder.output, None, None, log.path, log.execution_id)
        return RunResult(
            "failed", None, recorder.error, recorder.failed_step, log.path, log.execution_id
        )

    def _follow(self, address: str, execution_arn: str, recorder: EventRecorder) -> None:
        """Record the execution's history events until one ends the run."""
        sfn = self.clients["stepfunctions"]
        seen = 0
        while not recorder.ended:
            events: list[dict[str, Any]] = []
            token: dict[str, str] = {}
            with aws_errors(f"{address}: states GetExecutionHistory {execution_arn}"):
                while True:
                    page = sfn.get_execution_history(
                        executionArn=execution_arn, maxResults=1000, **token
                    )
                    events.extend(page["events"])
                    if not page.get("nextToken"):
                        break
                    token = {"nextToken": page["nextToken"]}
            for event in events[seen:]:
                recorder.record(event)
            seen = len(events)
            if not recorder.ended:
                time.sleep(_POLL_SECONDS)

    def _newest_alias(self, address: str) -> str:
        """The ARN of the alias that routes to the newest published version."""
        sfn = self.clients["stepfunctions"]
        arn = f"arn:aws:states:{self.clients.region}:{self.clients.account}:stateMachine:"
        arn += state_machine_name(address, self.prefix)
        newest: tuple[int, str] | None = None
        with aws_errors(f"{address}: states ListStateMachineAliases"):
            try:
                aliases = sfn.list_state_machine_aliases(stateMachineArn=arn)
            except sfn.exceptions.StateMachineDoesNotExist:
                raise _not_deployed(address) from None
            for alias in aliases["stateMachineAliases"]:
                described = sfn.describe_state_machine_alias(
                    stateMachineAliasArn=alias["stateMachineAliasArn"]
                )
                for route in described["routingConfiguration"]:
                    number = int(route["stateMachineVersionArn"].rsplit(":", 1)[1])
                    if newest is None or number > newest[0]:
                        newest = (number, alias["stateMachineAliasArn"])
        if newest is None:
            raise _not_deployed(address)
        return newest[1]

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
