"""The ARNs a workflow's state machine calls, composed from names fnplan derives before
apply: a function version is its alias `v-<hash>`, a child workflow version its state
machine alias likewise. The definition (and so the version) never waits for an ARN only AWS
knows, and the execution role is granted exactly what the targets hand out."""

from __future__ import annotations

from collections.abc import Mapping

from fnplan.errors import ProviderError
from fnplan.naming import STATE_MACHINE, physical_name

from .expression_function import expression_function_name
from .functions import alias_name, function_name


def state_machine_name(address: str, prefix: str) -> str:
    return physical_name(address, STATE_MACHINE, prefix=prefix)


class AwsTargets:
    """fnplan.providers.aws.asl.Targets for one workflow; remembers what it handed out."""

    def __init__(self, workflow: str, prefix: str, region: str, account: str) -> None:
        self.workflow = workflow
        self.prefix = prefix
        self.region = region
        self.account = account
        self.functions: set[str] = set()  # unqualified function ARNs called
        self.state_machines: set[str] = set()  # unqualified state machine ARNs started
        self.uses_expressions = False

    def function_arn(self, address: str, version: str) -> str:
        arn = self._lambda(function_name(address, self.prefix))
        self.functions.add(arn)
        return f"{arn}:{alias_name(version)}"

    def workflow_arn(self, address: str, version: str) -> str:
        name = state_machine_name(address, self.prefix)
        arn = f"arn:aws:states:{self.region}:{self.account}:stateMachine:{name}"
        self.state_machines.add(arn)
        return f"{arn}:{alias_name(version)}"

    def expression_function_arn(self) -> str:
        self.uses_expressions = True
        arn = self._lambda(expression_function_name(self.workflow, self.prefix))
        self.functions.add(arn)
        return arn

    def shell_function_arn(self, step: str) -> str:
        raise self._unsupported("shell", step)

    def http_connection_arn(self, step: str) -> str:
        raise self._unsupported("http", step)

    def ecs_task(self, step: str, image: str) -> Mapping[str, str]:
        raise self._unsupported("shell", step)

    def sql_target(self, step: str) -> Mapping[str, str]:
        raise self._unsupported("sql", step)

    def _lambda(self, name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{name}"

    def _unsupported(self, kind: str, step: str) -> ProviderError:
        """Validate refuses these node types on aws (node_types); this is the backstop."""
        return ProviderError(f"{self.workflow}: step {step!r}: aws cannot run {kind} steps yet")
